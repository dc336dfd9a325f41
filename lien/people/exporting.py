"""The list of people as a CSV file: only the columns the user may see, custom fields
included; cells that a spreadsheet would run as a formula are neutralised; audited."""

import csv
import datetime
import io
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.services import record
from lien.customfields.models import CustomField, fields_for
from lien.customfields.values import display, plain_number, read_values

# A cell starting like this is run as a formula by spreadsheet programs ("=HYPERLINK(…)").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a person typed, made inert for a spreadsheet: a leading quote keeps it text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _identity_columns(by: User) -> list[tuple[str, str, object]]:
    """(audit name, heading, value of a person) for each identity column the user may see."""
    columns: list[tuple[str, str, object]] = [
        ("public_id", _("Reference"), lambda p: str(p.public_id)),
        ("nickname", _("Nickname"), lambda p: p.nickname),
        ("first_name", _("First name"), lambda p: p.first_name),
    ]
    if policy.has_perm(by, Perm.VIEW_IDENTITY):
        columns += [
            ("last_name", _("Last name"), lambda p: p.last_name),
            ("other_names", _("Other names"), lambda p: p.other_names),
            ("birth_date", _("Birth date"), lambda p: p.birth_date_display),
            ("gender", _("Gender"), lambda p: str(p.get_gender_display())),
            ("nationality", _("Nationality"), lambda p: p.nationality),
            ("languages", _("Languages"), lambda p: p.languages),
            ("phone", _("Phone"), lambda p: p.phone),
            ("email", _("Email"), lambda p: p.email),
            ("address", _("Address"), lambda p: p.address),
        ]
    else:
        columns.append(("age", _("Age"), lambda p: p.age))
    if policy.has_perm(by, Perm.VIEW_SENSITIVE):
        columns.append(
            (
                "residence_status",
                _("Residence status"),
                lambda p: str(p.get_residence_status_display()) if p.residence_status else "",
            )
        )
    columns += [
        ("alert", _("Alert"), lambda p: (p.alert_note or _("Yes")) if p.alert else ""),
        ("status", _("Status"), lambda p: str(p.get_status_display())),
    ]
    return columns


def _cell(field: CustomField, value) -> str:
    if value is None or value == [] or value == "":
        return ""
    if field.kind == CustomField.Kind.NUMBER and isinstance(value, Decimal):
        return str(plain_number(value))  # typed by Lien, never a formula, even if negative
    if field.kind == CustomField.Kind.DATE and isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(display(field, value))


def export_people(*, by: User, people: QuerySet) -> str:
    """`people` (a queryset already scoped to `by`) as CSV text; records the export, with the
    columns it held and never a value. A fixed number of queries whatever the size."""
    columns = _identity_columns(by)
    fields = fields_for(by, CustomField.Entity.PERSON)
    values = read_values(fields, people.values("pk"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [neutralise(str(h)) for _n, h, _v in columns] + [neutralise(f.label) for f in fields]
    )
    for person in people:
        found = values.get(person.pk, {})
        row = []
        for _name, _heading, value_of in columns:
            value = value_of(person)
            row.append("" if value is None else neutralise(str(value)))
        row += [_cell(field, found.get(field.pk)) for field in fields]
        writer.writerow(row)
    with transaction.atomic():
        record(
            action="person.exported",
            actor=by,
            object_type="people.person",
            fields=[name for name, _h, _v in columns] + [f"custom:{f.public_id}" for f in fields],
        )
    # A byte order mark lets spreadsheet programs read the accents right.
    return "\ufeff" + out.getvalue()
