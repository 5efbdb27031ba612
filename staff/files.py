"""Stored files that follow their rows: a file replaced or deleted in the database is deleted
from storage once that change is committed, and never before, so a rolled-back change keeps the
file its row still points at. Documents about pupils must not outlive the record of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from .documents import safe_name


def delete_after_commit(file: FieldFile | None) -> None:
    """Delete `file` from its storage when the current transaction commits (at once outside
    one); nothing happens if the transaction rolls back."""
    if not file or not file.name:
        return
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: storage.delete(name))


def discard_on_failure(file: FieldFile) -> None:
    """Delete a file just written for a change that is failing, so a refused upload leaves no
    file behind with nothing pointing at it."""
    if file and file.name:
        file.storage.delete(file.name)


@contextmanager
def attached(record: models.Model, upload, content_type: str, *, field: str) -> Iterator[None]:
    """Put an uploaded document (checked already: `documents.check_upload`) on `record`'s
    `field`, with its safe name and type in `<field>_name` and `<field>_type`, for the block that
    saves the record. The file is stored at once and deleted again if the block fails; the file
    it replaces is deleted once the change is committed, never before (a rollback keeps it). No
    upload: the block just runs."""
    if upload is None:
        yield
        return
    replaced = copy(getattr(record, field)) or None
    setattr(record, f"{field}_name", safe_name(upload.name, content_type))
    setattr(record, f"{field}_type", content_type)
    getattr(record, field).save(upload.name, upload, save=False)
    try:
        yield
    except Exception:
        discard_on_failure(getattr(record, field))
        raise
    delete_after_commit(replaced)


def _delete_files_of(sender, instance: models.Model, **kwargs) -> None:
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.FileField):
            delete_after_commit(getattr(instance, field.attname))


def follow_deletions() -> None:
    """For every model with a FileField, delete a row's stored files after the deletion of the
    row is committed (a cascade or the admin included). Connected per model, not for every
    sender, so deletions of models without files keep Django's fast path."""
    from django.apps import apps

    for model in apps.get_models():
        if any(isinstance(f, models.FileField) for f in model._meta.concrete_fields):
            models.signals.post_delete.connect(
                _delete_files_of, sender=model, dispatch_uid=f"files:{model._meta.label}"
            )
