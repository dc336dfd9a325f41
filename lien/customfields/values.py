"""Custom values as Python sees them, and as rows: str (texts, one choice), Decimal, date,
bool, list[str] (multiple choice). Reading is one query whatever the number of records."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

from lien.customfields.models import CustomField, CustomValue

Kind = CustomField.Kind


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def rows_for(field: CustomField, value, **common) -> list[CustomValue]:
    """The rows that store `value` (already checked) for one record."""
    if is_empty(value):
        return []
    if field.sensitive:
        return [CustomValue(field=field, value_secret=serialise(field, value), **common)]
    if field.kind in (Kind.TEXT, Kind.LONG_TEXT):
        return [CustomValue(field=field, value_text=value, **common)]
    if field.kind == Kind.NUMBER:
        return [CustomValue(field=field, value_number=value, **common)]
    if field.kind == Kind.DATE:
        return [CustomValue(field=field, value_date=value, **common)]
    if field.kind == Kind.YES_NO:
        return [CustomValue(field=field, value_bool=value, **common)]
    if field.kind == Kind.CHOICE:
        return [CustomValue(field=field, value_option=value, **common)]
    return [CustomValue(field=field, value_option=option, **common) for option in value]


def serialise(field: CustomField, value) -> str:
    """A value as the text encrypted for a sensitive field."""
    if field.kind == Kind.NUMBER:
        return str(value)
    if field.kind == Kind.DATE:
        return value.isoformat()
    if field.kind == Kind.YES_NO:
        return "yes" if value else "no"
    if field.kind == Kind.MULTIPLE_CHOICE:
        return "\n".join(value)
    return value


def deserialise(field: CustomField, text: str):
    if field.kind == Kind.NUMBER:
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if field.kind == Kind.DATE:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    if field.kind == Kind.YES_NO:
        return text == "yes"
    if field.kind == Kind.MULTIPLE_CHOICE:
        return [line for line in text.split("\n") if line]
    return text


def _value_of(field: CustomField, row: CustomValue):
    if field.sensitive:
        return deserialise(field, row.value_secret)
    if field.kind in (Kind.TEXT, Kind.LONG_TEXT):
        return row.value_text
    if field.kind == Kind.NUMBER:
        return row.value_number
    if field.kind == Kind.DATE:
        return row.value_date
    if field.kind == Kind.YES_NO:
        return row.value_bool
    return row.value_option


def in_option_order(field: CustomField, chosen: Iterable[str]) -> list[str]:
    """Options in the order of the field's list; options since taken out of it come last."""
    rank = {option: i for i, option in enumerate(field.options)}
    return sorted(set(chosen), key=lambda option: (rank.get(option, len(rank)), option))


def read_values(fields: Iterable[CustomField], object_ids) -> dict[int, dict[int, object]]:
    """{object id: {field pk: value}} for the given fields and records (`object_ids` may be a
    queryset of ids). One query."""
    by_pk = {field.pk: field for field in fields}
    if not by_pk:
        return {}
    found: dict[int, dict[int, object]] = defaultdict(dict)
    rows = CustomValue.objects.filter(field_id__in=by_pk, object_id__in=object_ids).order_by("pk")
    for row in rows:
        field = by_pk[row.field_id]
        value = _value_of(field, row)
        if field.kind == Kind.MULTIPLE_CHOICE and not field.sensitive:
            found[row.object_id].setdefault(field.pk, []).append(value)
        else:
            found[row.object_id][field.pk] = value
    for values in found.values():
        for pk, value in values.items():
            if by_pk[pk].kind == Kind.MULTIPLE_CHOICE:
                values[pk] = in_option_order(by_pk[pk], value)
    return dict(found)


def plain_number(value: Decimal) -> Decimal:
    """3.5000 → 3.5, 10.0000 → 10 (never 1E+1)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def display(field: CustomField, value) -> str:
    """A value as a person reads it, in the active language."""
    if is_empty(value):
        return ""
    if field.kind == Kind.NUMBER:
        return formats.number_format(plain_number(value))
    if field.kind == Kind.DATE:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if field.kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if field.kind == Kind.MULTIPLE_CHOICE:
        return ", ".join(value)
    return str(value)
