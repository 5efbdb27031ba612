"""Outside agencies: the services a school refers pupils to (educational psychology, speech and
language therapy, CAMHS, advisory teachers, social care, health), the referrals it makes, the
reports it receives and the pupil's Early Help. A floor below plans and ehcp, so a report
received can be added to a support plan's evidence or an annual review's advice in one step."""

from .early_help_models import EarlyHelp, EarlyHelpSettings, TafReview  # noqa: E402, F401
