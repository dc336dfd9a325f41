"""Observations and mediations: the only place that writes them.

Both sit in a neighbourhood and/or a place (a place gives its neighbourhood), are never in
the future, are posted once per form (`client_token`), are changed with optimistic locking and
archived rather than deleted. Every write is audited with the names of the fields it touched;
a change also keeps, encrypted, the values it replaced (lien.audit.changes).
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.audit.changes import apply_changes
from lien.audit.services import record
from lien.core.versioning import claim_version
from lien.customfields import services as customfields
from lien.outreach.models import Mediation, Observation, Place, Presence, Territory
from lien.outreach.services_records import people_kept
from lien.people.models import Person

FUTURE_SLACK = datetime.timedelta(minutes=5)
MEASURE_LABEL_MAX_LENGTH = 60
MEASURE_MAX_VALUE = Decimal(1_000_000)
OBSERVATION_FIELDS = ("observed_at", "territory", "place", "category", "text", "people_present")
MEDIATION_FIELDS = (
    "occurred_at",
    "territory",
    "place",
    "nature",
    "parties_description",
    "actions",
    "outcome",
    "follow_up_on",
)


def _check_team(by: User, team: Team, perm: str) -> None:
    if not policy.has_perm(by, perm):
        raise PermissionDenied
    if not policy.outreach_teams(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionDenied("this user does not record street work for this team")


def _same_organisation(by: User, objects: Iterable) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise PermissionDenied("an object of another organisation")


def _location(territory: Territory | None, place: Place | None) -> Territory:
    """The neighbourhood to store: the place's when a place is given."""
    if place is not None:
        return place.territory
    if territory is None:
        raise ValidationError(_("Say where: choose a neighbourhood or a place."), code="where")
    return territory


def _not_in_future(moment: datetime.datetime) -> None:
    if moment > timezone.now() + FUTURE_SLACK:
        raise ValidationError(_("This is in the future: give the time it happened."))


def _check_text(text: str, *, label: str, required: bool = False) -> None:
    if required and not (text or "").strip():
        raise ValidationError(_("%(label)s: this field is required.") % {"label": label})
    if len(text or "") > Observation.TEXT_MAX_LENGTH:
        raise ValidationError(
            _("%(label)s: at most %(max)d characters.")
            % {"label": label, "max": Observation.TEXT_MAX_LENGTH}
        )


def clean_measures(measures: Mapping | None) -> dict[str, float | int]:
    """Free measures as stored: {label: number}, labels trimmed, at most MAX_MEASURES."""
    cleaned: dict[str, float | int] = {}
    for label, value in (measures or {}).items():
        label = " ".join(str(label).split())
        if not label or len(label) > MEASURE_LABEL_MAX_LENGTH:
            raise ValidationError(_("A measure needs a short name (60 characters at most)."))
        value = Decimal(str(value))
        if not value.is_finite() or value < 0 or value > MEASURE_MAX_VALUE:
            raise ValidationError(
                _("%(label)s: give a number between 0 and 1,000,000.") % {"label": label}
            )
        if label.casefold() in {key.casefold() for key in cleaned}:
            raise ValidationError(
                _("Each measure once: %(label)s appears twice.") % {"label": label}
            )
        cleaned[label] = int(value) if value == value.to_integral_value() else float(value)
    if len(cleaned) > Observation.MAX_MEASURES:
        raise ValidationError(_("At most %(max)d measures.") % {"max": Observation.MAX_MEASURES})
    return cleaned


def measures_text(measures: Mapping) -> str:
    """Measures as kept in history: "Tents: 3, Syringes found: 2"."""
    return ", ".join(f"{label}: {value}" for label, value in measures.items())


def _check_observation(data: Mapping) -> None:
    if data["category"] not in Observation.Category.values:
        raise ValidationError(_("Choose a category."))
    _check_text(data["text"], label=_("What was observed"), required=True)
    _not_in_future(data["observed_at"])
    present = data.get("people_present")
    if present is not None and not 0 <= present <= 100_000:
        raise ValidationError(_("People present: give a number between 0 and 100,000."))


def _existing(model, by: User, client_token: uuid.UUID):
    return model.objects.filter(
        organisation_id=by.organisation_id, client_token=client_token
    ).first()


def record_observation(
    *,
    by: User,
    team: Team,
    client_token: uuid.UUID,
    observed_at: datetime.datetime,
    category: str,
    text: str,
    territory: Territory | None = None,
    place: Place | None = None,
    presence: Presence | None = None,
    people_present: int | None = None,
    measures: Mapping | None = None,
    custom_values: Mapping | None = None,
) -> tuple[Observation, bool]:
    """Record an observation. Returns (observation, created): the same `client_token` posted
    again returns the first one unchanged."""
    _check_team(by, team, Perm.ADD_ENCOUNTERS)
    _same_organisation(by, [territory, place, presence])
    if presence is not None and presence.team_id != team.pk:
        raise PermissionDenied("the presence is another team's")
    data = {
        "category": category,
        "text": text,
        "observed_at": observed_at,
        "people_present": people_present,
    }
    _check_observation(data)
    territory = _location(territory, place)
    measures = clean_measures(measures)
    existing = _existing(Observation, by, client_token)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                organisation_id=by.organisation_id,
                team=team,
                presence=presence,
                territory=territory,
                place=place,
                measures=measures,
                client_token=client_token,
                created_by=by,
                **data,
            )
            custom = customfields.save_values(
                by=by, field_values=custom_values or {}, obj=observation
            )
            given = {**data, "team": team, "territory": territory, "place": place}
            given.update({"presence": presence, "measures": measures})
            fields = sorted(
                [name for name, value in given.items() if value not in (None, "", {})]
                + list(custom)
            )
            record(action="observation.recorded", actor=by, obj=observation, fields=fields)
    except IntegrityError:
        existing = _existing(Observation, by, client_token)
        if existing is None:
            raise
        return existing, False
    return observation, True


def _require_observation_editable(by: User, observation: Observation) -> None:
    if not policy.observation_editable(by, observation):
        raise PermissionDenied("this user may not change this observation")


def update_observation(
    *,
    by: User,
    observation: Observation,
    version: int,
    data: Mapping,
    measures: Mapping | None = None,
    custom_values: Mapping | None = None,
) -> Observation:
    """Change an observation (the form gives every field of OBSERVATION_FIELDS)."""
    _require_observation_editable(by, observation)
    if observation.archived_at is not None:
        raise PermissionDenied("an archived observation is not changed")
    data = {name: data[name] for name in OBSERVATION_FIELDS if name in data}
    _same_organisation(by, [data.get("territory"), data.get("place")])
    _check_observation({**{n: getattr(observation, n) for n in OBSERVATION_FIELDS}, **data})
    data["territory"] = _location(
        data.get("territory", observation.territory), data.get("place", observation.place)
    )
    if measures is not None:
        data["measures"] = clean_measures(measures)
    with transaction.atomic():
        claim_version(observation, expected=version)
        changed, previous = apply_changes(observation, data, data)
        if "measures" in previous:
            previous["measures"] = measures_text(previous["measures"])
        observation.save()
        changed += sorted(
            customfields.save_values(
                by=by, field_values=custom_values or {}, obj=observation, previous=previous
            )
        )
        record(
            action="observation.changed",
            actor=by,
            obj=observation,
            fields=changed,
            previous=previous,
        )
    return observation


def _archive(by: User, obj, action: str):
    with transaction.atomic():
        updated = (
            type(obj)
            .objects.filter(pk=obj.pk, archived_at__isnull=True)
            .update(archived_at=timezone.now(), version=models.F("version") + 1)
        )
        obj.refresh_from_db(fields=["archived_at", "version"])
        if updated:
            record(action=action, actor=by, obj=obj, fields=["archived_at"])
    return obj


def archive_observation(*, by: User, observation: Observation) -> Observation:
    """It leaves the lists and the figures and stays in the database; a second archive
    changes nothing and is not audited."""
    _require_observation_editable(by, observation)
    return _archive(by, observation, "observation.archived")


# Mediations.


def _check_mediation(data: Mapping) -> None:
    if data["nature"] not in Mediation.Nature.values:
        raise ValidationError(_("Choose the nature of the conflict."))
    _not_in_future(data["occurred_at"])
    _check_text(data.get("parties_description", ""), label=_("Parties"))
    _check_text(data.get("actions", ""), label=_("Actions taken"))
    _check_text(data.get("outcome", ""), label=_("Outcome"))
    follow_up_on = data.get("follow_up_on")
    if follow_up_on is not None and follow_up_on < timezone.localdate(data["occurred_at"]):
        raise ValidationError(_("The follow-up comes after the mediation."))


def _check_persons(by: User, persons: list[Person]) -> None:
    if len(persons) > Mediation.MAX_PERSONS:
        raise ValidationError(_("At most %(max)d named people.") % {"max": Mediation.MAX_PERSONS})
    _same_organisation(by, persons)
    ids = {person.pk for person in persons}
    if ids and Person.objects.visible_to(by).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied("a person this user does not see")


def record_mediation(
    *,
    by: User,
    team: Team,
    client_token: uuid.UUID,
    occurred_at: datetime.datetime,
    nature: str,
    territory: Territory | None = None,
    place: Place | None = None,
    presence: Presence | None = None,
    parties_description: str = "",
    persons: Iterable[Person] = (),
    actions: str = "",
    outcome: str = "",
    follow_up_on: datetime.date | None = None,
) -> tuple[Mediation, bool]:
    """Record a mediation; idempotent by `client_token`. Named people must be people the user
    sees; the mediation then appears on their timeline."""
    _check_team(by, team, Perm.RECORD_MEDIATIONS)
    persons = list(persons)
    _same_organisation(by, [territory, place, presence])
    if presence is not None and presence.team_id != team.pk:
        raise PermissionDenied("the presence is another team's")
    data = {
        "occurred_at": occurred_at,
        "nature": nature,
        "parties_description": parties_description,
        "actions": actions,
        "outcome": outcome,
        "follow_up_on": follow_up_on,
    }
    _check_mediation(data)
    _check_persons(by, persons)
    if not persons and not parties_description.strip():
        raise ValidationError(
            _("Say who was involved: describe the parties or name a person."), code="parties"
        )
    territory = _location(territory, place)
    existing = _existing(Mediation, by, client_token)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            mediation = Mediation.objects.create(
                organisation_id=by.organisation_id,
                team=team,
                presence=presence,
                territory=territory,
                place=place,
                client_token=client_token,
                created_by=by,
                **data,
            )
            mediation.persons.set(persons)
            given = {**data, "team": team, "territory": territory, "place": place}
            given.update({"presence": presence, "persons": persons})
            fields = sorted(name for name, value in given.items() if value not in (None, "", []))
            record(action="mediation.recorded", actor=by, obj=mediation, fields=fields)
    except IntegrityError:
        existing = _existing(Mediation, by, client_token)
        if existing is None:
            raise
        return existing, False
    return mediation, True


def _require_mediation_editable(by: User, mediation: Mediation) -> None:
    if not policy.mediation_editable(by, mediation):
        raise PermissionDenied("this user may not change this mediation")


def update_mediation(
    *, by: User, mediation: Mediation, version: int, data: Mapping, persons: Iterable[Person]
) -> Mediation:
    """Change a mediation. `persons` are the named people the user sees that stay on it; those
    on it the user does not see stay untouched."""
    _require_mediation_editable(by, mediation)
    if mediation.archived_at is not None:
        raise PermissionDenied("an archived mediation is not changed")
    persons = list(persons)
    data = {name: data[name] for name in MEDIATION_FIELDS if name in data}
    _same_organisation(by, [data.get("territory"), data.get("place")])
    merged = {**{n: getattr(mediation, n) for n in MEDIATION_FIELDS}, **data}
    _check_mediation(merged)
    _check_persons(by, persons)
    data["territory"] = _location(merged["territory"], merged["place"])
    current = set(mediation.persons.values_list("pk", flat=True))
    visible = set(Person.objects.visible_to(by).filter(pk__in=current).values_list("pk", flat=True))
    wanted = (current - visible) | {person.pk for person in persons}
    if not wanted and not merged["parties_description"].strip():
        raise ValidationError(
            _("Say who was involved: describe the parties or name a person."), code="parties"
        )
    with transaction.atomic():
        claim_version(mediation, expected=version)
        changed, previous = apply_changes(mediation, data, data)
        if "follow_up_on" in changed and mediation.follow_up_done_at is not None:
            # A new date is a new follow-up to do.
            previous["follow_up_done_at"] = mediation.follow_up_done_at
            mediation.follow_up_done_at = None
            changed.append("follow_up_done_at")
        mediation.save()
        if wanted != current:
            previous["persons"] = people_kept(current)
            mediation.persons.set(wanted)
            changed.append("persons")
        record(
            action="mediation.changed", actor=by, obj=mediation, fields=changed, previous=previous
        )
    return mediation


def archive_mediation(*, by: User, mediation: Mediation) -> Mediation:
    _require_mediation_editable(by, mediation)
    return _archive(by, mediation, "mediation.archived")


def mark_follow_up_done(*, by: User, mediation: Mediation) -> Mediation:
    """The follow-up was done: the mediation leaves the team's Today. A second tap is a no-op."""
    _require_mediation_editable(by, mediation)
    with transaction.atomic():
        updated = Mediation.objects.filter(
            pk=mediation.pk,
            follow_up_on__isnull=False,
            follow_up_done_at__isnull=True,
            archived_at__isnull=True,
        ).update(follow_up_done_at=timezone.now(), version=models.F("version") + 1)
        mediation.refresh_from_db(fields=["follow_up_done_at", "version"])
        if updated:
            record(
                action="mediation.follow_up_done",
                actor=by,
                obj=mediation,
                fields=["follow_up_done_at"],
            )
    return mediation
