"""What a change replaced: the names of the fields an update changes and their previous
values as text, for the audit event of that change (`record(..., previous=...)`).

Update services call `apply_changes` instead of comparing and setting fields by hand, so that
every change keeps the values it overwrote.
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping

from django.db import models
from django.db.models.fields.files import FieldFile


def as_text(value) -> str | None:
    """A value as the text kept in history: dates and times ISO, numbers as written, a related
    record as its public id's label (its `str`), lists joined. Files are never kept."""
    if value is None:
        return None
    if isinstance(value, FieldFile):
        raise TypeError("the contents of files are never kept in the audit trail")
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError("binary values are never kept in the audit trail")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.time)):
        # datetime is a date: both give their ISO form, with the offset when aware.
        return value.isoformat()
    if isinstance(value, (int, decimal.Decimal, float, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return as_text(sorted(value, key=str))
    if isinstance(value, (list, tuple)):
        return ", ".join(item for item in map(as_text, value) if item)
    return str(value)


def serialise(previous: Mapping[str, object]) -> dict[str, str | None]:
    return {str(name): as_text(value) for name, value in previous.items()}


def diff(instance: models.Model, data: Mapping, fields: Iterable[str]) -> dict[str, object]:
    """{field: value before} for each of `fields` given in `data` with a different value."""
    return {
        field: getattr(instance, field)
        for field in fields
        if field in data and getattr(instance, field) != data[field]
    }


def apply_changes(
    instance: models.Model, data: Mapping, fields: Iterable[str]
) -> tuple[list[str], dict[str, object]]:
    """Set on `instance` each of `fields` that `data` changes; return the names changed (in
    the order of `fields`) and their previous values, for `record(fields=…, previous=…)`."""
    previous = diff(instance, data, fields)
    for field in previous:
        setattr(instance, field, data[field])
    return list(previous), previous


def related_text(instances: Iterable[models.Model]) -> str:
    """The previous members of a many-to-many relation (workers, attendees, partners)."""
    return as_text(sorted(map(str, instances))) or ""
