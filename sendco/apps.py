from __future__ import annotations

from django.apps import AppConfig, apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_save

# What the deadline engine works its dates out from: every model of these apps, and these of the
# ground floor (the school's age range and calendar). A save or deletion of any of them gives the
# school's kept deadlines a new stamp (staff/deadline_cache.py). Who is a member is not among
# them: what a person may open is decided at each read.
FEEDING_APPS = (
    "register",
    "provision",
    "plans",
    "ehcp",
    "premium",
    "lac",
    "training",
    "inforeport",
    "exams",
    "agencies",
)
FEEDING_STAFF_MODELS = ("School", "AcademicYear", "Term", "ClosureDay")
# Reference data and LA contacts.
NOT_FEEDING = {
    "register.needtype",
    "ehcp.lacontact",
    "premium.fundingrate",
    # The JCQ list (reference data, edited in the admin): kept answers expire within
    # DEADLINE_CACHE_SECONDS when a kind's "delegated" changes.
    "exams.arrangementkind",
    "exams.assessor",
    "exams.assessment",
}
# The records without a school of their own, and the way to the one that has it.
SCHOOL_VIA = {
    "ehcp.planversion": ("plan",),
    "ehcp.planoutcome": ("version", "plan"),
    "ehcp.provisionitem": ("version", "plan"),
    "ehcp.outcomeprogress": ("review",),
}


def _school_of(instance) -> int | None:
    """The school the record belongs to; None when it cannot be told (every school's kept
    deadlines then go, which is safe)."""
    label = instance._meta.label_lower
    if label == "staff.school":
        return instance.pk
    try:
        for step in SCHOOL_VIA.get(label, ()):
            instance = getattr(instance, step)
    except ObjectDoesNotExist:  # deleted with its parent
        return None
    return getattr(instance, "school_id", None)


def _record_changed(sender, instance, **kwargs) -> None:
    from staff.deadline_cache import changed

    changed(_school_of(instance))


def _links_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _record_changed(sender, instance)


class SendcoConfig(AppConfig):
    name = "sendco"
    verbose_name = "sendco"

    def ready(self) -> None:
        from staff.deadline_cache import committed

        from .deadlines import warm_soon

        committed.connect(warm_soon, dispatch_uid="deadline-cache-warm-soon")
        feeding = [m for label in FEEDING_APPS for m in apps.get_app_config(label).get_models()]
        feeding = [m for m in feeding if m._meta.label_lower not in NOT_FEEDING]
        feeding += [apps.get_model("staff", name) for name in FEEDING_STAFF_MODELS]
        for model in feeding:
            uid = f"deadline-cache-{model._meta.label_lower}"
            post_save.connect(_record_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_record_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}-{through}")
