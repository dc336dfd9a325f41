"""Every write to a person goes through here: in a transaction, audited."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lien.access import policy
from lien.accounts.models import Team, User
from lien.audit.services import record
from lien.casework.models import FollowUp
from lien.core import crypto
from lien.core.versioning import claim_version
from lien.people import matching, niss
from lien.people.models import Person, PersonSearchKey

# Fields a person form may write; anything else is set by the services themselves.
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "nickname",
    "other_names",
    "birth_year",
    "birth_month",
    "birth_day",
    "gender",
    "nationality",
    "languages",
    "phone",
    "email",
    "residence_status",
    "address",
    "alert",
    "alert_note",
)
MAX_CANDIDATES = 5
CANDIDATE_POOL = 200


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float
    same_niss: bool


def _apply(person: Person, data: dict) -> set[str]:
    changed = set()
    for field in EDITABLE_FIELDS:
        if field in data and getattr(person, field) != data[field]:
            setattr(person, field, data[field])
            changed.add(field)
    if "niss" in data:
        parsed = niss.parse(data["niss"])
        if parsed.digits != (niss.parse(person.niss).digits if person.niss else ""):
            changed.add("niss")
        person.niss = parsed.digits
        person.niss_index = crypto.blind_index(parsed.digits) if parsed.digits else ""
        person.niss_checksum_ok = parsed.valid
    return changed


def _index_names(person: Person) -> None:
    keys = matching.search_keys(
        " ".join((person.first_name, person.other_names)), person.last_name, person.nickname
    )
    person.search_keys.all().delete()
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(organisation_id=person.organisation_id, person=person, key=key[:64])
        for key in sorted(keys)
    )


def create_person(*, by: User, team: Team, data: dict) -> Person:
    """Record a person and open their follow-up by `team`, so the team sees the file."""
    if not policy.teams_for_follow_up(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionError("this user cannot open a follow-up for this team")
    with transaction.atomic():
        person = Person(organisation_id=by.organisation_id, created_by=by)
        changed = _apply(person, data)
        person.save()
        _index_names(person)
        follow_up = FollowUp.objects.create(
            organisation_id=by.organisation_id, person=person, team=team, created_by=by
        )
        record(action="person.created", actor=by, obj=person, fields=changed)
        record(action="follow_up.opened", actor=by, obj=follow_up, fields=["team"])
    return person


def update_person(*, by: User, person: Person, version: int, data: dict) -> Person:
    with transaction.atomic():
        claim_version(person, expected=version)
        changed = _apply(person, data)
        person.updated_at = timezone.now()
        person.save()
        if changed & {"first_name", "last_name", "nickname", "other_names"}:
            _index_names(person)
        record(action="person.changed", actor=by, obj=person, fields=changed)
    return person


def record_file_read(*, by: User, person: Person) -> None:
    record(action="person.viewed", actor=by, obj=person)


def find_candidates(*, by: User, data: dict, exclude: Person | None = None) -> list[Candidate]:
    """Likely duplicates among the people the user may see, best first.

    Blocking keeps this bounded: only people sharing a name key, the exact NISS or the birth
    year are scored, at most CANDIDATE_POOL of them.
    """
    visible = Person.objects.visible_to(by).not_archived()
    if exclude is not None:
        visible = visible.exclude(pk=exclude.pk)
    keys = matching.search_keys(
        " ".join((data.get("first_name", ""), data.get("other_names", ""))),
        data.get("last_name", ""),
        data.get("nickname", ""),
    )
    parsed = niss.parse(data.get("niss", ""))
    niss_index = crypto.blind_index(parsed.digits) if len(parsed.digits) == 11 else None
    pool_ids: list[int] = []
    if niss_index:
        pool_ids += list(visible.filter(niss_index=niss_index).values_list("pk", flat=True)[:5])
    if keys:
        by_key = PersonSearchKey.objects.filter(
            organisation_id=by.organisation_id, key__in=keys, person__in=visible
        )
        pool_ids += list(by_key.values_list("person_id", flat=True).distinct()[:CANDIDATE_POOL])
    if not pool_ids:
        return []
    probe = {
        "first_name": data.get("first_name", ""),
        "last_name": data.get("last_name", ""),
        "nickname": data.get("nickname", ""),
        "birth_date": _birth_iso(data),
    }
    candidates = []
    for person in Person.objects.filter(pk__in=set(pool_ids)):
        same_niss = bool(niss_index) and person.niss_index == niss_index
        score = 1.0 if same_niss else matching.score(probe, person.as_match_record())
        if score >= matching.THRESHOLD:
            candidates.append(Candidate(person=person, score=score, same_niss=same_niss))
    candidates.sort(key=lambda c: (-c.score, c.person.pk))
    return candidates[:MAX_CANDIDATES]


def _birth_iso(data: dict) -> str:
    year, month, day = data.get("birth_year"), data.get("birth_month"), data.get("birth_day")
    if not year:
        return ""
    if month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return str(year)


def search(*, by: User, query: str, limit: int = 50):
    """People visible to the user matching every word of the query. A word matches a name
    fragment or a spelling variant of a name; a 4-digit number is a birth year; 11 digits
    (with or without dots) is an exact NISS."""
    from django.db.models import Q

    results = Person.objects.visible_to(by)
    query = (query or "").strip()[:200]
    parsed = niss.parse(query)
    if len(parsed.digits) == 11:
        return results.filter(niss_index=crypto.blind_index(parsed.digits))[:limit]
    words = query.split()[:5]
    if not words:
        return results.none()
    for word in words:
        if word.isdigit() and len(word) == 4:
            results = results.filter(birth_year=int(word))
            continue
        condition = (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(nickname__icontains=word)
            | Q(other_names__icontains=word)
        )
        keys = matching.search_keys(word, "", "")
        if keys:
            variants = PersonSearchKey.objects.filter(
                organisation_id=by.organisation_id, key__in=keys
            ).values("person_id")
            condition |= Q(pk__in=variants)
        results = results.filter(condition)
    return results.order_by("last_name", "first_name", "nickname", "pk")[:limit]
