"""Street-work vocabularies: the only place that writes neighbourhoods, places and themes.

Nothing is deleted: an archived entry leaves the phone forms, and the records that name it
keep it.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.audit.services import record
from lien.core.versioning import claim_version
from lien.outreach.models import Place, Territory, Theme

TERRITORY_FIELDS = ("name_fr", "name_nl", "code")
PLACE_FIELDS = ("name", "kind", "territory", "latitude", "longitude", "description")
THEME_FIELDS = ("code", "label_fr", "label_nl", "label_en", "position")
# What the database refuses twice, said in words.
DUPLICATE_MESSAGES = {
    Territory: gettext_lazy("A neighbourhood already has this French name."),
    Place: gettext_lazy("This neighbourhood already has a place of this name."),
    Theme: gettext_lazy("A theme already has this code."),
}
FIELDS = {Territory: TERRITORY_FIELDS, Place: PLACE_FIELDS, Theme: THEME_FIELDS}


def _require(by: User) -> None:
    if not policy.has_perm(by, Perm.MANAGE_TERRITORIES):
        raise PermissionDenied("this user does not manage the street-work vocabularies")


def _check(by: User, obj: models.Model) -> None:
    if obj.organisation_id != by.organisation_id:
        raise PermissionDenied("an object of another organisation")
    if isinstance(obj, Place):
        if obj.territory.organisation_id != by.organisation_id:
            raise PermissionDenied("a neighbourhood of another organisation")
        if (obj.latitude is None) != (obj.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))


def _save(obj: models.Model, *, create: bool) -> None:
    try:
        with transaction.atomic():
            obj.save(force_insert=create)
    except IntegrityError as exc:
        # A unique name or code (checked by the form; this is two people at once).
        raise ValidationError(DUPLICATE_MESSAGES[type(obj)]) from exc


def create_entry(*, by: User, model: type[models.Model], data: Mapping) -> models.Model:
    """Add a neighbourhood, a place or a theme to the user's organisation."""
    _require(by)
    fields = FIELDS[model]
    obj = model(organisation_id=by.organisation_id, **{f: data[f] for f in fields if f in data})
    _check(by, obj)
    with transaction.atomic():
        _save(obj, create=True)
        given = [f for f in fields if data.get(f) not in (None, "")]
        record(action=f"{_action(model)}.created", actor=by, obj=obj, fields=given)
    return obj


def update_entry(*, by: User, obj: models.Model, version: int, data: Mapping) -> models.Model:
    """Change an entry; EditConflict when someone saved it since `version` was read."""
    _require(by)
    fields = FIELDS[type(obj)]
    with transaction.atomic():
        claim_version(obj, expected=version)
        changed = [f for f in fields if f in data and getattr(obj, f) != data[f]]
        for field in changed:
            setattr(obj, field, data[field])
        _check(by, obj)
        _save(obj, create=False)
        record(action=f"{_action(type(obj))}.changed", actor=by, obj=obj, fields=changed)
    return obj


def archive_entry(*, by: User, obj: models.Model) -> models.Model:
    """Take an entry out of the forms. A second archive changes nothing and is not audited."""
    return _set_archived(by, obj, archived=True)


def restore_entry(*, by: User, obj: models.Model) -> models.Model:
    """Put an archived entry back in the forms."""
    return _set_archived(by, obj, archived=False)


def _set_archived(by: User, obj: models.Model, *, archived: bool) -> models.Model:
    _require(by)
    _check(by, obj)
    model = type(obj)
    with transaction.atomic():
        updated = model.objects.filter(pk=obj.pk, archived_at__isnull=archived).update(
            archived_at=timezone.now() if archived else None, version=models.F("version") + 1
        )
        obj.refresh_from_db(fields=["archived_at", "version"])
        if updated:
            verb = "archived" if archived else "restored"
            record(action=f"{_action(model)}.{verb}", actor=by, obj=obj, fields=["archived_at"])
    return obj


def _action(model: type[models.Model]) -> str:
    return model._meta.model_name
