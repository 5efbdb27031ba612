from django.apps import AppConfig
from django.db.models.signals import post_save


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Staff training"

    def ready(self) -> None:
        from staff import skills
        from staff.models import Membership

        from .selectors import skills_of_users
        from .signals import member_for_membership

        skills.provide(skills_of_users)
        post_save.connect(
            member_for_membership, sender=Membership, dispatch_uid="training.member_for_membership"
        )
