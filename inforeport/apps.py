from django.apps import AppConfig


class InforeportConfig(AppConfig):
    name = "inforeport"
    verbose_name = "SEN information report"
