from django.apps import AppConfig


class LacConfig(AppConfig):
    name = "lac"
    verbose_name = "Looked-after children"
