"""The custom fields part of a record's page: the values the viewer may see, in the fields'
order; empty values are left out, and so is the section when nothing is filled in."""

from functools import cache

from lien.customfields.models import CustomField, fields_for
from lien.customfields.values import display, is_empty, read_values


def values_for_display(user, entity: str, obj) -> list[dict]:
    fields = fields_for(user, entity)
    values = read_values(fields, [obj.pk]).get(obj.pk, {})
    return [
        {
            "label": field.label,
            "value": display(field, values[field.pk]),
            "long": field.kind == CustomField.Kind.LONG_TEXT,
            "sensitive": field.sensitive,
        }
        for field in fields
        if field.pk in values and not is_empty(values[field.pk])
    ]


@cache
def section_for(entity: str):
    """A provider for the sections registry of `entity`'s page: (user, obj) -> context."""

    def section(user, obj) -> dict:
        return {"custom_values": values_for_display(user, entity, obj)}

    return section
