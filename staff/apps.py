from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff and schools"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in audit receivers)
        from .bounds import refuse_overlong_text
        from .files import follow_deletions
        from .mfa import checks  # noqa: F401  (connects MFA's sign-in receiver and deploy check)

        follow_deletions()
        _follow_tenancy()
        pre_save.connect(refuse_overlong_text, dispatch_uid="sendco.refuse_overlong_text")
        post_migrate.connect(
            _audit_partitions_ahead, sender=self, dispatch_uid="sendco.audit_ahead"
        )


def _follow_tenancy() -> None:
    """A school or membership saved or deleted: the kept school switchers go."""
    from . import switcher_cache
    from .models import Membership, School

    for model in (School, Membership):
        uid = f"sendco.switcher.{model.__name__}"
        post_save.connect(switcher_cache.changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(switcher_cache.changed, sender=model, dispatch_uid=f"{uid}.delete")


def _audit_partitions_ahead(using: str = "default", **kwargs) -> None:
    """After `migrate`: the audit log's partitions for the coming months (PostgreSQL), so a
    deployment that has not run beat yet still writes each month to its own partition."""
    from django.conf import settings
    from django.utils import timezone

    from . import audit_partitions

    if using == "default":
        audit_partitions.partitions_ahead(
            today=timezone.now().date(), ahead=settings.AUDIT_PARTITIONS_AHEAD
        )
