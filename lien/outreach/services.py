"""Street work: the only place that writes presences, encounters and passages."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.audit.services import record
from lien.casework import contacts
from lien.casework.models import Procedure
from lien.casework.services import create_procedure
from lien.outreach.models import AnonymousCount, Encounter, Passage, Place, Presence, Territory
from lien.people.models import Person

FOLLOW_UP_DAYS = 7


def _check_team(by: User, team: Team) -> None:
    if not policy.outreach_teams(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionDenied("this user does not record street work for this team")


def _check_same_organisation(by: User, objects: Iterable) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise PermissionDenied("an object of another organisation")


def start_presence(
    *,
    by: User,
    team: Team,
    territory: Territory | None,
    places: Iterable[Place] = (),
    workers: Iterable[User] = (),
    started_at: datetime.datetime | None = None,
    client_token: uuid.UUID | None = None,
) -> Presence:
    """Go out in the field: the user and `workers` are present for `team` from now on.

    The same `client_token` sent again (a double tap, a retry after a lost answer, even two
    at once) returns the presence it started, unchanged."""
    _check_team(by, team)
    places = list(places)
    workers = {by, *workers}
    _check_same_organisation(by, [territory, *places, *workers])
    started_at = started_at or timezone.now()
    if client_token is not None:
        existing = _started_with(by, client_token)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            presence = Presence.objects.create(
                organisation_id=by.organisation_id,
                team=team,
                territory=territory,
                date=timezone.localdate(started_at),
                started_at=started_at,
                client_token=client_token,
                created_by=by,
            )
            presence.workers.set(workers)
            presence.places.set(places)
            record(
                action="presence.started",
                actor=by,
                obj=presence,
                fields=["team", "territory", "places", "workers", "started_at"],
            )
    except IntegrityError:
        # The same start was sent twice at once: the other request created it.
        existing = _started_with(by, client_token) if client_token is not None else None
        if existing is None:
            raise
        return existing
    return presence


def _started_with(by: User, client_token: uuid.UUID) -> Presence | None:
    return Presence.objects.filter(
        organisation_id=by.organisation_id, client_token=client_token
    ).first()


def may_end_presence(user, presence: Presence) -> bool:
    """Ending a presence writes its end, atmosphere and logbook: its workers may, and those
    who may change it afterwards (policy.outreach_record_editable)."""
    if presence.organisation_id != user.organisation_id or presence.archived_at is not None:
        return False
    if not policy.outreach_teams(user, Team.objects.filter(pk=presence.team_id)).exists():
        return False
    return presence.workers.filter(pk=user.pk).exists() or policy.outreach_record_editable(
        user, presence
    )


def end_presence(
    *,
    by: User,
    presence: Presence,
    ended_at: datetime.datetime | None = None,
    atmosphere: str = "",
    logbook: str = "",
) -> Presence:
    """Come back from the field. A presence already ended keeps its end (a second tap)."""
    if not may_end_presence(by, presence):
        raise PermissionDenied("this user may not end this presence")
    ended_at = ended_at or timezone.now()
    if ended_at < presence.started_at:
        raise ValueError("a presence ends after it starts")
    with transaction.atomic():
        updated = Presence.objects.filter(pk=presence.pk, ended_at__isnull=True).update(
            ended_at=ended_at, atmosphere=atmosphere, logbook=logbook, version=presence.version + 1
        )
        if updated:
            # What a correction made while it was under way said, kept in case this wipes it.
            previous = {
                name: getattr(presence, name)
                for name, value in (("atmosphere", atmosphere), ("logbook", logbook))
                if getattr(presence, name) and getattr(presence, name) != value
            }
            presence.refresh_from_db()
            given = {"atmosphere": atmosphere, "logbook": logbook}
            fields = ["ended_at"] + [name for name, value in given.items() if value]
            fields += list(previous)
            record(
                action="presence.ended", actor=by, obj=presence, fields=fields, previous=previous
            )
    return presence


@dataclass(frozen=True)
class Cell:
    age_band: str
    gender: str
    count: int


def record_encounter(
    *,
    by: User,
    team: Team,
    client_token: uuid.UUID,
    occurred_at: datetime.datetime,
    kind: str = Encounter.Kind.STREET,
    presence: Presence | None = None,
    place: Place | None = None,
    persons: Iterable[Person] = (),
    counts: Iterable[Cell] = (),
    new_people: bool = False,
    themes: Iterable = (),
    note: str = "",
    follow_up_needed: bool = False,
) -> tuple[Encounter, bool]:
    """Record who was met. Returns (encounter, created): the same `client_token` posted again
    (a double tap, a retry after a lost answer) returns the first encounter unchanged.

    A follow-up needed on named persons opens a "to do" procedure due in FOLLOW_UP_DAYS for
    each of them, so that the social workers who follow them see it on Today. Anonymous people
    have no file to hang a procedure on: the flag stays on the encounter, and the team's list
    of encounters shows those waiting for a follow-up.
    """
    _check_team(by, team)
    persons, themes = list(persons), list(themes)
    _check_same_organisation(by, [presence, place, *persons, *themes])
    if presence is not None and presence.team_id != team.pk:
        raise PermissionDenied("the presence is another team's")
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValueError("an encounter cannot be in the future")
    counts = [cell for cell in counts if cell.count]
    if any(cell.count < 0 for cell in counts):
        raise ValueError("counts are never negative")
    existing = Encounter.objects.filter(
        organisation_id=by.organisation_id, client_token=client_token
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            encounter = _create_encounter(
                by=by,
                team=team,
                client_token=client_token,
                occurred_at=occurred_at,
                kind=kind,
                presence=presence,
                place=place,
                persons=persons,
                counts=counts,
                new_people=new_people,
                themes=themes,
                note=note,
                follow_up_needed=follow_up_needed,
            )
    except IntegrityError:
        # The same form was posted twice at once: the other request created it.
        existing = Encounter.objects.filter(
            organisation_id=by.organisation_id, client_token=client_token
        ).first()
        if existing is None:
            raise
        return existing, False
    return encounter, True


def territory_of(*, place: Place | None, presence: Presence | None) -> Territory | None:
    """The neighbourhood an encounter counts for: its place's, else its presence's."""
    if place is not None:
        return place.territory
    return presence.territory if presence is not None else None


def _create_encounter(*, by, persons, counts, new_people, themes, **fields) -> Encounter:
    encounter = Encounter.objects.create(
        organisation_id=by.organisation_id,
        created_by=by,
        territory=territory_of(place=fields.get("place"), presence=fields.get("presence")),
        **fields,
    )
    encounter.persons.set(persons)
    contacts.contact_made((p.pk for p in persons), encounter.occurred_at)
    encounter.themes.set(themes)
    AnonymousCount.objects.bulk_create(
        AnonymousCount(
            organisation_id=by.organisation_id,
            encounter=encounter,
            age_band=cell.age_band,
            gender=cell.gender,
            count=cell.count,
            is_new=new_people,
        )
        for cell in counts
    )
    changed = [name for name, value in fields.items() if value and name != "client_token"]
    if persons:
        changed.append("persons")
    if counts:
        changed.append("counts")
    if themes:
        changed.append("themes")
    record(action="encounter.recorded", actor=by, obj=encounter, fields=sorted(changed))
    if encounter.follow_up_needed:
        due_on = timezone.localdate(encounter.occurred_at) + datetime.timedelta(days=FOLLOW_UP_DAYS)
        responsible = by if policy.has_perm(by, Perm.MANAGE_PROCEDURES) else None
        for person in persons:
            create_procedure(
                by=by,
                person=person,
                data={
                    "domain": Procedure.Domain.OTHER,
                    "title": gettext("Follow up the street encounter of %(day)s")
                    % {"day": timezone.localdate(encounter.occurred_at).isoformat()},
                    "status": Procedure.Status.TODO,
                    "due_on": due_on,
                    "responsible": responsible,
                },
            )
    return encounter


def record_passage(
    *,
    by: User,
    team: Team,
    client_token: uuid.UUID,
    occurred_at: datetime.datetime,
    person: Person | None = None,
    age_band: str = "",
    gender: str = "",
    services: Iterable[str] = (),
    place: Place | None = None,
) -> tuple[Passage, bool]:
    """Record a drop-in visit, named or anonymous; idempotent by `client_token`."""
    _check_team(by, team)
    _check_same_organisation(by, [person, place])
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValueError("a passage cannot be in the future")
    existing = Passage.objects.filter(
        organisation_id=by.organisation_id, client_token=client_token
    ).first()
    if existing is not None:
        return existing, False
    if person is not None:
        age_band = gender = ""  # the file holds who they are
    try:
        with transaction.atomic():
            passage = Passage.objects.create(
                organisation_id=by.organisation_id,
                team=team,
                client_token=client_token,
                occurred_at=occurred_at,
                person=person,
                place=place,
                age_band=age_band,
                gender=gender,
                services=sorted(set(services)),
                created_by=by,
            )
            if person is not None:
                contacts.contact_made([person.pk], occurred_at)
            given = {"person": person, "place": place, "age_band": age_band, "gender": gender}
            fields = ["occurred_at", "team", "services"] + [k for k, v in given.items() if v]
            record(action="passage.recorded", actor=by, obj=passage, fields=fields)
    except IntegrityError:
        existing = Passage.objects.filter(
            organisation_id=by.organisation_id, client_token=client_token
        ).first()
        if existing is None:
            raise
        return existing, False
    return passage, True
