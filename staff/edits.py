"""Edit conflicts: two people open the same record, both change it, and the later save must not
silently overwrite the first.

A form that edits an existing record mixes in `EditCheck`. When the form is opened it carries,
in a hidden field, a fingerprint of the record's stored values of the fields it edits (a short
hash per field; no version column or migration needed). `save_form` calls `refuse_stale_edit`
before the service: the record is read again under a row lock, and if any of those fields has
changed since the form was opened, the save is refused and the form is shown again with the
user's text as typed, the other person's saved value of each field they changed beside it, and a
fresh fingerprint, so saving again (after merging by hand) goes through. A form that edits no
existing record (a new one) carries no fingerprint and is never checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db import models, transaction

FIELD = "edit_fingerprint"

MESSAGE = (
    "Someone else saved this while you were editing. Their version is shown beside yours; "
    "copy what you need and save again."
)
REMOVED = "Someone else removed this while you were editing, so it cannot be saved."


@dataclass(frozen=True)
class Conflict:
    """One field the other person changed: its label, their saved value and the user's."""

    label: str
    theirs: str
    yours: str


def _stored(record: models.Model | None, name: str) -> Any:
    """The stored value of one field, in a form that hashes the same way every time."""
    if record is None:
        return ""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return sorted(getattr(record, name).values_list("pk", flat=True)) if record.pk else []
    value = field.value_from_object(record)
    return "" if value is None else value


def _digest(value: Any) -> str:
    text = json.dumps(value, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fingerprint(record: models.Model | None, names: Iterable[str]) -> str:
    """A short hash of each named field's stored value, joined by dots."""
    return ".".join(_digest(_stored(record, name)) for name in names)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def shown(value: Any, field: models.Field | None = None) -> str:
    """A value as a person reads it: a date in words, a choice's label, a row's name."""
    if isinstance(value, models.QuerySet | list | tuple):
        return ", ".join(shown(item, field) for item in value) or "(none)"
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return _long(value)
    if field is not None and field.choices and not isinstance(value, models.Model):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _theirs(record: models.Model | None, name: str) -> str:
    if record is None:
        return "(blank)"
    field = record._meta.get_field(name)
    if field.many_to_many:
        return shown(list(getattr(record, name).all()))
    if field.is_relation:
        return shown(getattr(record, name))
    return shown(field.value_from_object(record), field)


class EditCheck:
    """For a form that changes an existing record: it carries the record's fingerprint and is
    refused (by `save_form`) when someone else saved those fields in between.

    A model form checks its instance by default; another form names the record with
    `edits=`. A form whose record is found afresh on each save (a passport's latest version)
    overrides `stored_record`."""

    def __init__(self, *args, edits: models.Model | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.edit_conflicts: list[Conflict] = []
        self._edits = edits
        if self.checks_edits():
            self.fields[FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                # when shown: a subclass may still add or remove fields after this
                initial=lambda: fingerprint(self.edit_record(), self.edit_fields()),
            )

    def edit_record(self) -> models.Model | None:
        """The record as it was when the form was opened."""
        if self._edits is not None:
            return self._edits
        instance = getattr(self, "instance", None)
        return instance if instance is not None and instance.pk else None

    def checks_edits(self) -> bool:
        return self.edit_record() is not None

    def edit_model(self) -> type[models.Model]:
        record = self.edit_record()
        return type(record) if record is not None else self._meta.model

    def edit_fields(self) -> list[str]:
        """The fields of the record this form edits (its other fields are not compared)."""
        names = {
            f.name for f in self.edit_model()._meta.get_fields() if isinstance(f, models.Field)
        }
        return [name for name in self.fields if name in names]

    def stored_record(self) -> models.Model | None:
        """The record as stored now, locked until the request's transaction ends."""
        record = self.edit_record()
        manager = type(record)._base_manager
        return manager.select_for_update().filter(pk=record.pk).first()

    def full_clean(self) -> None:
        """The fingerprint is the check's, not the service's: never in `cleaned_data`."""
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(FIELD, None)

    def _submitted(self, name: str) -> str:
        """The digest of what the user sent for one field, comparable with `fingerprint`'s."""
        value = self.cleaned_data.get(name)
        if isinstance(value, models.QuerySet | list | tuple):
            value = sorted(item.pk for item in value)
        elif isinstance(value, models.Model):
            value = value.pk
        return _digest("" if value is None else value)

    def _yours(self, name: str) -> str:
        field = self.edit_model()._meta.get_field(name)
        return shown(self.cleaned_data.get(name), None if field.is_relation else field)

    def stale(self) -> bool:
        """Whether someone else changed this record since the form was opened; if so the
        form now says so, shows their values beside the user's and carries a fresh
        fingerprint. The user's typed text stays in the form."""
        if not self.checks_edits():
            return False
        opened = (self.data.get(self.add_prefix(FIELD)) or "").split(".")
        if opened == [""]:
            return False  # a form opened before the check existed: saved as before
        names = self.edit_fields()
        with transaction.atomic():
            current = self.stored_record()
        if current is None and self.edit_record() is not None:
            self.add_error(None, REMOVED)
            return True
        now = fingerprint(current, names).split(".")
        if len(opened) != len(now):
            opened = [""] * len(now)
        changed = [
            name
            for name, was, is_ in zip(names, opened, now, strict=True)
            if was != is_ and self._submitted(name) != is_  # the same change twice is no conflict
        ]
        if not changed:
            return False
        self.edit_conflicts = [
            Conflict(
                str(self.fields[name].label or name), _theirs(current, name), self._yours(name)
            )
            for name in changed
        ]
        self.data = self.data.copy()
        self.data[self.add_prefix(FIELD)] = ".".join(now)
        self.add_error(None, MESSAGE)
        return True


def refuse_stale_edit(form: forms.BaseForm) -> bool:
    """True (and the form shows the conflict) when `form` edits a record someone else saved
    since it was opened; `save_form` then shows the form again instead of saving."""
    return isinstance(form, EditCheck) and form.stale()
