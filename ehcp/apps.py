from django.apps import AppConfig


class EhcpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ehcp"
    verbose_name = "EHC plans and annual reviews"
