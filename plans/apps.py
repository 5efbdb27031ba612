from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    label = "plans"
    verbose_name = "Support plans"
