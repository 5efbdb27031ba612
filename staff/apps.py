from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff and schools"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
        from .files import follow_deletions
        from .mfa import checks  # noqa: F401  (connects MFA's sign-in receiver and deploy check)

        follow_deletions()
