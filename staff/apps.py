from django.apps import AppConfig
from django.db.models.signals import pre_save


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff and schools"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
        from .bounds import refuse_overlong_text
        from .files import follow_deletions
        from .mfa import checks  # noqa: F401  (connects MFA's sign-in receiver and deploy check)

        follow_deletions()
        pre_save.connect(refuse_overlong_text, dispatch_uid="sendco.refuse_overlong_text")
