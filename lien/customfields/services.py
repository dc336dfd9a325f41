"""Every write to custom fields goes through here: definitions (audited on their own) and
values (named in the audit event of the record they belong to)."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.changes import diff
from lien.audit.services import record
from lien.core.versioning import claim_version
from lien.customfields.models import CustomField, CustomValue, fields_for
from lien.customfields.values import in_option_order, is_empty, read_values, rows_for

Kind = CustomField.Kind

# What a definition's form may write; `kind` and `entity` are fixed once a field exists
# (its values are stored by kind).
DEFINITION_FIELDS = ("label", "help_text", "choices", "team", "required", "sensitive", "position")
TEXT_MAX_LENGTH = 300
LONG_TEXT_MAX_LENGTH = 5000
NUMBER_MAX_DIGITS = 15
NUMBER_DECIMAL_PLACES = 4
NUMBER_LIMIT = Decimal(10) ** (NUMBER_MAX_DIGITS - NUMBER_DECIMAL_PLACES)
NUMBER_STEP = Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES)
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# The models whose records carry custom fields, by entity.
ENTITY_MODELS = {
    CustomField.Entity.PERSON: "people.person",
    CustomField.Entity.OBSERVATION: "outreach.observation",
}


def parse_options(text: str) -> list[str]:
    """The options of a choice as an admin types them: one per line, blank lines ignored."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def check_options(kind: str, options: list[str]) -> None:
    """Refuse a choice without options, a duplicate option, too many or too long options."""
    if kind not in CustomField.CHOICE_KINDS:
        return
    if not options:
        raise ValidationError(_("Give the options of the choice, one per line."), code="empty")
    if len(options) > CustomField.MAX_OPTIONS:
        raise ValidationError(
            _("At most %(max)d options (there are %(count)d).")
            % {"max": CustomField.MAX_OPTIONS, "count": len(options)},
            code="too_many",
        )
    too_long = [o for o in options if len(o) > CustomField.OPTION_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            _("An option has at most %(max)d characters.") % {"max": CustomField.OPTION_MAX_LENGTH},
            code="too_long",
        )
    seen: set[str] = set()
    duplicates = []
    for option in options:
        if option.casefold() in seen:
            duplicates.append(option)
        seen.add(option.casefold())
    if duplicates:
        raise ValidationError(
            _("Each option once: %(options)s appears twice.")
            % {"options": ", ".join(f"“{o}”" for o in duplicates)},
            code="duplicate",
        )


def _clean_definition(by: User, kind: str, data: dict, *, field: CustomField | None = None) -> dict:
    if not policy.has_perm(by, Perm.MANAGE_CUSTOM_FIELDS):
        raise PermissionDenied
    if field is not None and field.organisation_id != by.organisation_id:
        raise PermissionDenied("a field of another organisation")
    if kind not in Kind.values:
        raise ValidationError(_("Choose a kind of field."), code="kind")
    label = " ".join((data.get("label") or "").split())
    if not label:
        raise ValidationError(_("Give the field a label."), code="label")
    if len(label) > CustomField.LABEL_MAX_LENGTH:
        raise ValidationError(
            _("A label has at most %(max)d characters.") % {"max": CustomField.LABEL_MAX_LENGTH},
            code="label",
        )
    help_text = (data.get("help_text") or "").strip()
    if len(help_text) > CustomField.HELP_TEXT_MAX_LENGTH:
        raise ValidationError(_("The help text is too long."), code="help_text")
    options = parse_options(data.get("choices", ""))
    check_options(kind, options)
    team = data.get("team")
    if team is not None and team.organisation_id != by.organisation_id:
        raise PermissionDenied("a team of another organisation")
    # A field stays with its team once the team is archived; a new one is not given to it.
    if (
        team is not None
        and team.archived_at is not None
        and (field is None or field.team_id != team.pk)
    ):
        raise ValidationError(_("This team is archived."), code="team")
    position = int(data.get("position") or 0)
    if not 0 <= position <= 32767:
        raise ValidationError(_("Give a position between 0 and 32767."), code="position")
    return {
        "label": label,
        "help_text": help_text,
        "choices": "\n".join(options) if kind in CustomField.CHOICE_KINDS else "",
        "team": team,
        "required": bool(data.get("required")),
        "sensitive": bool(data.get("sensitive")),
        "position": position,
    }


def define_field(*, by: User, entity: str, kind: str, data: dict) -> CustomField:
    """Add a field to the organisation's `entity` records."""
    if entity not in CustomField.Entity.values:
        raise ValidationError(_("Choose what the field describes."), code="entity")
    values = _clean_definition(by, kind, data)
    with transaction.atomic():
        field = CustomField.objects.create(
            organisation_id=by.organisation_id, entity=entity, kind=kind, created_by=by, **values
        )
        record(
            action="custom_field.created",
            actor=by,
            obj=field,
            fields=["entity", "kind", *(name for name, value in values.items() if value)],
        )
    return field


def update_field(*, by: User, field: CustomField, version: int, data: dict) -> CustomField:
    """Change a definition. Options taken out of a choice stay on the values that chose them;
    making a field sensitive (or no longer) moves its stored values accordingly. Only a user
    who may read sensitive values makes a field no longer sensitive."""
    values = _clean_definition(by, field.kind, data, field=field)
    with transaction.atomic():
        claim_version(field, expected=version)
        previous = diff(field, values, values)
        changed = list(previous)
        was_sensitive = field.sensitive
        # Its values would then be shown to every role that sees the file: only someone who
        # may read them decides that (an admin, by role alone, may not).
        revealed = was_sensitive and not values["sensitive"]
        if revealed and not policy.has_perm(by, Perm.VIEW_SENSITIVE):
            message = _(
                "Only someone allowed to read sensitive values may make this field no longer "
                "sensitive: nothing was changed."
            )
            raise ValidationError({"sensitive": ValidationError(message, code="reveal")})
        for name in changed:
            setattr(field, name, values[name])
        field.save()
        if field.sensitive != was_sensitive:
            _restore_values(field, was_sensitive=was_sensitive)
        record(
            action="custom_field.changed", actor=by, obj=field, fields=changed, previous=previous
        )
    return field


def _restore_values(field: CustomField, *, was_sensitive: bool) -> None:
    """Write the field's values again in the storage of its new sensitivity."""
    before = CustomField(pk=field.pk, kind=field.kind, choices=field.choices)
    before.sensitive = was_sensitive
    rows = CustomValue.objects.filter(field=field)
    current = read_values([before], rows.values("object_id"))
    rows.delete()
    CustomValue.objects.bulk_create(
        [
            row
            for object_id, found in current.items()
            for row in rows_for(
                field,
                found[field.pk],
                object_id=object_id,
                organisation_id=field.organisation_id,
            )
        ],
        batch_size=500,
    )


def archive_field(*, by: User, field: CustomField) -> CustomField:
    """The field leaves forms, files, filters and exports; its values stay in the database."""
    if not policy.has_perm(by, Perm.MANAGE_CUSTOM_FIELDS):
        raise PermissionDenied
    if field.organisation_id != by.organisation_id:
        raise PermissionDenied("a field of another organisation")
    with transaction.atomic():
        now = timezone.now()
        if CustomField.objects.filter(pk=field.pk, archived_at__isnull=True).update(
            archived_at=now, version=models.F("version") + 1
        ):
            field.archived_at = now
            record(action="custom_field.archived", actor=by, obj=field)
    return field


def entity_of(obj: models.Model) -> str:
    label = obj._meta.label_lower
    for entity, model_label in ENTITY_MODELS.items():
        if model_label == label:
            return entity
    raise ValueError(f"{label} carries no custom fields")


def clean_value(field: CustomField, value, *, current=None):
    """`value` checked against the field's kind and options (an option since taken out of the
    list is accepted if the record already had it); raises ValidationError."""
    if is_empty(value):
        if field.required:
            raise ValidationError(
                _("%(label)s: this field is required.") % {"label": field.label}, code="required"
            )
        return None
    invalid = ValidationError(
        _("%(label)s: this value is not valid.") % {"label": field.label}, code="invalid"
    )
    if field.kind in (Kind.TEXT, Kind.LONG_TEXT):
        limit = TEXT_MAX_LENGTH if field.kind == Kind.TEXT else LONG_TEXT_MAX_LENGTH
        if not isinstance(value, str) or len(value) > limit:
            raise invalid
        return value
    if field.kind == Kind.NUMBER:
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal) or not value.is_finite():
            raise invalid
        if abs(value) >= NUMBER_LIMIT or value.quantize(NUMBER_STEP) != value:
            raise invalid
        return value
    if field.kind == Kind.DATE:
        if not isinstance(value, datetime.date) or not EARLIEST_DATE <= value <= LATEST_DATE:
            raise invalid
        return value
    if field.kind == Kind.YES_NO:
        if not isinstance(value, bool):
            raise invalid
        return value
    kept = current if isinstance(current, list) else [current] if current else []
    allowed = set(field.options) | set(kept)
    if field.kind == Kind.CHOICE:
        if value not in allowed:
            raise invalid
        return value
    if isinstance(value, str) or not set(value) <= allowed:
        raise invalid
    return in_option_order(field, value)


def save_values(
    *, by: User, field_values: Mapping[CustomField, object], obj, previous: dict | None = None
) -> set[str]:
    """Set the custom values of `obj` (fields left out are left as they are) and return the
    names of those that changed, as `custom:<public id>`, for the caller's audit event;
    `previous`, when given, receives their values before ({name: value}, None when empty).

    Call it inside the transaction of the service that writes `obj`, after `obj` is saved: a
    failure here then writes nothing at all. A cleared value's row is deleted (it is a
    field's value, not a record), and the caller's audit event names the field.
    """
    if not field_values:
        return set()
    if obj.pk is None or obj.organisation_id != by.organisation_id:
        raise PermissionDenied("values of a record of another organisation")
    usable = {field.pk: field for field in fields_for(by, entity_of(obj))}
    for field in field_values:
        if field.pk not in usable:
            raise PermissionDenied("a custom field this user may not fill")
    current = read_values(usable.values(), [obj.pk]).get(obj.pk, {})
    changed: list[CustomField] = []
    new_rows: list[CustomValue] = []
    for given, raw in field_values.items():
        field = usable[given.pk]  # as saved now, not as the form saw it
        before = current.get(field.pk)
        value = clean_value(field, raw, current=before)
        if value == before or (value is None and is_empty(before)):
            continue
        changed.append(field)
        if previous is not None:
            previous[f"custom:{field.public_id}"] = None if is_empty(before) else before
        new_rows += rows_for(
            field,
            value,
            organisation_id=obj.organisation_id,
            object_id=obj.pk,
            updated_by=by,
        )
    if changed:
        CustomValue.objects.filter(object_id=obj.pk, field__in=changed).delete()
        CustomValue.objects.bulk_create(new_rows)
    return {f"custom:{field.public_id}" for field in changed}
