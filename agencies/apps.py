from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Outside agencies"

    def ready(self) -> None:
        from register import chronology

        from . import early_help_selectors, selectors

        chronology.register("agencies", selectors.chronology_entries)
        chronology.register("early_help", early_help_selectors.chronology_entries)
