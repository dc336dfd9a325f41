"""Street work afterwards: change or archive a presence, an encounter or a drop-in visit.

Who may do it is `policy.outreach_record_editable`; every write names the version it was
based on (optimistic locking) and is audited with the names of the fields it changed and,
encrypted, the values they held (lien.audit.changes); the people named on a record are kept by
their public ids, shown in its history only to those who see them.
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.accounts.models import User
from lien.audit.changes import apply_changes, related_text
from lien.audit.services import record
from lien.casework import contacts
from lien.core.versioning import claim_version
from lien.outreach.models import AnonymousCount, Encounter, Passage, Place, Presence, Theme
from lien.outreach.services import territory_of
from lien.people.models import Person

FUTURE_SLACK = datetime.timedelta(minutes=5)
ENCOUNTER_FIELDS = ("occurred_at", "place", "kind", "note", "follow_up_needed")
PRESENCE_FIELDS = ("started_at", "ended_at", "territory", "atmosphere", "logbook")
PASSAGE_FIELDS = ("occurred_at", "place", "age_band", "gender", "services")


@dataclass(frozen=True)
class CountCell:
    age_band: str
    gender: str
    is_new: bool
    count: int


def _require_editable(by: User, obj, *, archiving: bool = False) -> None:
    if not policy.outreach_record_editable(by, obj):
        raise PermissionDenied("this user may not change this street-work record")
    if obj.archived_at is not None and not archiving:
        raise PermissionDenied("an archived record is not changed")


def _same_organisation(by: User, objects: Iterable) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise PermissionDenied("an object of another organisation")


def _not_in_future(moment: datetime.datetime | None) -> None:
    if moment is not None and moment > timezone.now() + FUTURE_SLACK:
        raise ValidationError(_("This is in the future: give the time it happened."))


def people_kept(person_ids: Iterable) -> str:
    """The people named on a record before a change, as kept in its audit event: their public
    ids (the history names them only to those who see them, see lien.outreach.history)."""
    ids = Person.objects.filter(pk__in=list(person_ids)).values_list("public_id", flat=True)
    return ", ".join(sorted(str(public_id) for public_id in ids))


def public_ids(values: Iterable[str]) -> list[str]:
    """The well-formed public ids in `values`, each of which may hold several as `people_kept`
    writes them."""
    ids = []
    for value in values:
        for part in value.split(","):
            try:
                ids.append(str(uuid.UUID(part.strip())))
            except ValueError:
                continue
    return ids


def counts_text(counts: Iterable) -> str:
    """Anonymous counts as kept in history: "3 × 18-21 M", "new" for people met the first
    time."""
    cells = sorted(
        (cell.is_new, cell.age_band, cell.gender, cell.count) for cell in counts if cell.count
    )
    return ", ".join(
        f"{count} × {band} {gender}" + (f" ({_('new')})" if is_new else "")
        for is_new, band, gender, count in cells
    )


def update_encounter(
    *,
    by: User,
    encounter: Encounter,
    version: int,
    data: Mapping,
    persons: Iterable[Person],
    counts: Iterable[CountCell],
    themes: Iterable[Theme],
) -> Encounter:
    """Change an encounter. `persons` are the named people the user sees that stay on it; the
    people on it the user does not see stay on it untouched. `counts` replace its anonymous
    counts (zero cells dropped)."""
    _require_editable(by, encounter)
    persons, themes = list(persons), list(themes)
    counts = [cell for cell in counts if cell.count]
    _same_organisation(by, [data.get("place"), *persons, *themes])
    if any(cell.count < 0 for cell in counts):
        raise ValidationError(_("Counts are never negative."))
    bands = {code for code, _label in settings.LIEN_OUTREACH_AGE_BANDS}
    if any(cell.age_band not in bands or cell.gender not in Encounter.Gender for cell in counts):
        raise ValidationError(_("Unknown age band or gender."))
    _not_in_future(data.get("occurred_at"))
    visible = set(
        Person.objects.visible_to(by)
        .filter(pk__in=encounter.persons.values("pk"))
        .values_list("pk", flat=True)
    )
    if any(p.pk not in visible and not _is_visible(by, p) for p in persons):
        raise PermissionDenied("a person this user does not see")
    current = set(encounter.persons.values_list("pk", flat=True))
    wanted = (current - visible) | {p.pk for p in persons}
    if not wanted and not counts:
        raise ValidationError(
            _("Say who you met: count people by age and gender, or add a named person.")
        )
    with transaction.atomic():
        claim_version(encounter, expected=version)
        changed, previous = apply_changes(encounter, data, ENCOUNTER_FIELDS)
        territory = territory_of(place=encounter.place, presence=encounter.presence)
        if territory != encounter.territory:
            previous["territory"] = encounter.territory
            encounter.territory = territory
            changed.append("territory")
        encounter.save()
        if wanted != current:
            previous["persons"] = people_kept(current)
            encounter.persons.set(wanted)
            changed.append("persons")
        before = list(encounter.themes.all())
        if {t.pk for t in themes} != {t.pk for t in before}:
            previous["themes"] = related_text(before)
            encounter.themes.set(themes)
            changed.append("themes")
        counts_before = counts_text(encounter.counts.all())
        if _replace_counts(by, encounter, counts):
            previous["counts"] = counts_before
            changed.append("counts")
        if {"persons", "occurred_at"} & set(changed):
            contacts.refresh(current | wanted)
        record(
            action="encounter.changed",
            actor=by,
            obj=encounter,
            fields=changed,
            previous=previous,
        )
    return encounter


def _is_visible(by: User, person: Person) -> bool:
    return Person.objects.visible_to(by).filter(pk=person.pk).exists()


def _replace_counts(by: User, encounter: Encounter, counts: list[CountCell]) -> bool:
    def key(cell):
        return (cell.age_band, cell.gender, cell.is_new, cell.count)

    before = sorted(key(c) for c in encounter.counts.all())
    if before == sorted(key(c) for c in counts):
        return False
    encounter.counts.all().delete()
    AnonymousCount.objects.bulk_create(
        AnonymousCount(
            organisation_id=by.organisation_id,
            encounter=encounter,
            age_band=cell.age_band,
            gender=cell.gender,
            is_new=cell.is_new,
            count=cell.count,
        )
        for cell in counts
    )
    return True


def update_presence(
    *, by: User, presence: Presence, version: int, data: Mapping, places: Iterable[Place]
) -> Presence:
    """Change a presence: its times (an end never before the start), neighbourhood, places,
    atmosphere and logbook. Its encounters without a place follow its neighbourhood."""
    _require_editable(by, presence)
    places = list(places)
    _same_organisation(by, [data.get("territory"), *places])
    with transaction.atomic():
        claim_version(presence, expected=version)
        changed, previous = apply_changes(presence, data, PRESENCE_FIELDS)
        _not_in_future(presence.started_at)
        _not_in_future(presence.ended_at)
        if presence.ended_at is not None and presence.ended_at < presence.started_at:
            raise ValidationError(_("A presence ends after it starts."))
        presence.date = timezone.localdate(presence.started_at)
        presence.save()
        if "territory" in changed:
            presence.encounters.filter(place__isnull=True).update(territory=presence.territory)
        before = list(presence.places.all())
        if {p.pk for p in places} != {p.pk for p in before}:
            previous["places"] = related_text(before)
            presence.places.set(places)
            changed.append("places")
        record(action="presence.changed", actor=by, obj=presence, fields=changed, previous=previous)
    return presence


def update_passage(*, by: User, passage: Passage, version: int, data: Mapping) -> Passage:
    """Change a drop-in visit: when, where, who (anonymous: age band and gender), services."""
    _require_editable(by, passage)
    _same_organisation(by, [data.get("place")])
    _not_in_future(data.get("occurred_at"))
    data = dict(data)
    if "services" in data:
        data["services"] = sorted(set(data["services"]))
    if passage.person_id is not None:
        data.pop("age_band", None)  # the file holds who they are
        data.pop("gender", None)
    with transaction.atomic():
        claim_version(passage, expected=version)
        changed, previous = apply_changes(passage, data, PASSAGE_FIELDS)
        passage.save()
        if passage.person_id is not None and "occurred_at" in changed:
            contacts.refresh([passage.person_id])
        record(action="passage.changed", actor=by, obj=passage, fields=changed, previous=previous)
    return passage


def archive_record(*, by: User, obj: Encounter | Presence | Passage):
    """Archive a presence, an encounter or a visit: it leaves the lists and the figures, and
    stays in the database. A second archive changes nothing and is not audited."""
    _require_editable(by, obj, archiving=True)
    model = type(obj)
    with transaction.atomic():
        updated = model.objects.filter(pk=obj.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), version=models.F("version") + 1
        )
        obj.refresh_from_db(fields=["archived_at", "version"])
        if updated and model is Encounter:
            contacts.refresh(obj.persons.values_list("pk", flat=True))
        elif updated and model is Passage and obj.person_id is not None:
            contacts.refresh([obj.person_id])
        if updated:
            action = f"{model._meta.model_name}.archived"
            record(action=action, actor=by, obj=obj, fields=["archived_at"])
    return obj
