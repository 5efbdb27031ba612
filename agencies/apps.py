from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Outside agencies"

    def ready(self) -> None:
        from register import chronology

        from .selectors import chronology_entries

        chronology.register("agencies", chronology_entries)
