"""Every write to a person goes through here: in a transaction, audited."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.accounts.models import Team, User
from lien.audit.changes import apply_changes
from lien.audit.services import record
from lien.casework import contacts
from lien.casework.models import FollowUp, PathwayTemplate
from lien.casework.services_pathways import apply_pathways
from lien.core import crypto
from lien.core.versioning import claim_version
from lien.customfields.services import save_values
from lien.people import matching, niss
from lien.people.models import IdentityDocument, Person, PersonSearchKey, Relation

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


def _apply(person: Person, data: dict, previous: dict | None = None) -> set[str]:
    """Set the fields `data` changes; `previous` (when given) receives the values replaced."""
    names, replaced = apply_changes(person, data, EDITABLE_FIELDS)
    changed = set(names)
    if previous is not None:
        previous.update(replaced)
    if "niss" in data:
        parsed = niss.parse(data["niss"])
        if parsed.digits != (niss.parse(person.niss).digits if person.niss else ""):
            changed.add("niss")
            if previous is not None:
                previous["niss"] = person.niss
        person.niss = parsed.digits
        person.niss_index = crypto.blind_index(parsed.digits) if parsed.digits else ""
        person.niss_checksum_ok = parsed.valid
    return changed


def _index_names(person: Person, *, with_merged: bool = True) -> None:
    """Store the keys of the person's names, and of the files merged into theirs, so that
    any of the spellings they were known by finds them."""
    names = [(person.first_name, person.other_names, person.last_name, person.nickname)]
    if with_merged:
        names += person.merged_people.values_list(
            "first_name", "other_names", "last_name", "nickname"
        )
    keys: set[str] = set()
    for first_name, other_names, last_name, nickname in names:
        keys |= matching.search_keys(" ".join((first_name, other_names)), last_name, nickname)
    person.search_keys.all().delete()
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(organisation_id=person.organisation_id, person=person, key=key[:64])
        for key in sorted(keys)
    )


def create_person(*, by: User, team: Team, data: dict, custom: Mapping | None = None) -> Person:
    """Record a person and open their follow-up by `team`, so the team sees the file.
    `custom` holds the values of the organisation's custom fields ({field: value})."""
    if not policy.teams_for_follow_up(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionError("this user cannot open a follow-up for this team")
    with transaction.atomic():
        person = Person(organisation_id=by.organisation_id, created_by=by)
        changed = _apply(person, data)
        person.save()
        changed |= save_values(by=by, field_values=custom or {}, obj=person)
        _index_names(person, with_merged=False)
        follow_up = FollowUp.objects.create(
            organisation_id=by.organisation_id, person=person, team=team, created_by=by
        )
        record(action="person.created", actor=by, obj=person, fields=changed)
        record(action="follow_up.opened", actor=by, obj=follow_up, fields=["team"])
        apply_pathways(
            event=PathwayTemplate.Event.FOLLOW_UP_OPENED,
            by=by,
            person=person,
            team=team,
            on=follow_up.started_on,
        )
    return person


def update_person(
    *, by: User, person: Person, version: int, data: dict, custom: Mapping | None = None
) -> Person:
    """Change a person's identity and custom values (`custom`: {field: value}; fields left
    out keep their values), in one versioned save."""
    with transaction.atomic():
        claim_version(person, expected=version)
        previous: dict = {}
        changed = _apply(person, data, previous)
        changed |= save_values(by=by, field_values=custom or {}, obj=person, previous=previous)
        person.updated_at = timezone.now()
        person.save()
        if changed & {"first_name", "last_name", "nickname", "other_names"}:
            _index_names(person)
        record(action="person.changed", actor=by, obj=person, fields=changed, previous=previous)
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


def search(
    *,
    by: User,
    query: str,
    limit: int | None = 50,
    include_archived: bool = False,
    where: Q | None = None,
):
    """People visible to the user matching every word of the query. A word matches a name
    fragment or a spelling variant of a name; a 4-digit number is a birth year; 11 digits
    (with or without dots) is an exact NISS. Archived files only when asked for. `where`
    narrows the results further (the custom-field filters); with it, an empty query lists
    everybody it lets through."""
    results = Person.objects.visible_to(by)
    if not include_archived:
        results = results.not_archived()
    if where is not None:
        results = results.filter(where)
    query = (query or "").strip()[:200]
    parsed = niss.parse(query)
    if len(parsed.digits) == 11:
        return results.filter(niss_index=crypto.blind_index(parsed.digits))[:limit]
    words = query.split()[:5]
    if not words and where is not None:
        return results.order_by("last_name", "first_name", "nickname", "pk")[:limit]
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
            # Asked of each visible person, from the (person, key) index; a list of everybody
            # in the organisation with the key (thousands for "mohamed") would be read in full.
            variants = PersonSearchKey.objects.filter(
                person_id=OuterRef("pk"), organisation_id=by.organisation_id, key__in=keys
            )
            condition |= Exists(variants)
        results = results.filter(condition)
    return results.order_by("last_name", "first_name", "nickname", "pk")[:limit]


# The life of a file: active, left the active file, archived; and back to active.


def _refuse_if_merged(person: Person) -> None:
    if person.merged_into_id:
        raise ValidationError(
            _("This file was merged into another one: work on that file, or undo the merge.")
        )


def mark_left(
    *, by: User, person: Person, version: int, left_on: datetime.date, reason: str
) -> Person:
    """The person left the active file (moved away, found housing, no longer in contact)."""
    reason = reason.strip()
    if left_on > timezone.localdate():
        raise ValidationError(_("The date of leaving cannot be in the future."))
    if not reason:
        raise ValidationError(_("Say why the person left the active file."))
    with transaction.atomic():
        claim_version(person, expected=version)  # a stale version is a conflict, first
        if person.status != Person.Status.ACTIVE:
            raise ValidationError(_("Only an active file can be marked as left."))
        # An earlier departure's date and reason are replaced: the audit event keeps them.
        changed, previous = apply_changes(
            person,
            {"status": Person.Status.LEFT, "left_on": left_on, "left_reason": reason},
            ("status", "left_on", "left_reason"),
        )
        person.updated_at = timezone.now()
        person.save()
        contacts.status_changed([person.pk])
        record(action="person.left", actor=by, obj=person, fields=changed, previous=previous)
    return person


def archive_person(*, by: User, person: Person, version: int) -> Person:
    """Archive the file: it leaves the default search results and stays reachable."""
    with transaction.atomic():
        claim_version(person, expected=version)
        if person.status == Person.Status.ARCHIVED:
            raise ValidationError(_("This file is already archived."))
        previous = {"status": person.status}
        person.status = Person.Status.ARCHIVED
        person.archived_at = timezone.now()
        person.updated_at = person.archived_at
        person.save()
        contacts.status_changed([person.pk])
        record(action="person.archived", actor=by, obj=person, fields=["status"], previous=previous)
    return person


def reactivate_person(*, by: User, person: Person, version: int) -> Person:
    """Back to the active file. The date and reason of an earlier departure are kept."""
    _refuse_if_merged(person)
    with transaction.atomic():
        claim_version(person, expected=version)
        if person.status == Person.Status.ACTIVE:
            raise ValidationError(_("This file is already active."))
        previous = {"status": person.status}
        person.status = Person.Status.ACTIVE
        person.archived_at = None
        person.updated_at = timezone.now()
        person.save()
        contacts.status_changed([person.pk])
        record(
            action="person.reactivated", actor=by, obj=person, fields=["status"], previous=previous
        )
    return person


# Identity documents.

DOCUMENT_FIELDS = ("kind", "number", "issued_on", "expires_on", "note")


def _check_document(by: User, data: dict) -> None:
    issued_on, expires_on = data.get("issued_on"), data.get("expires_on")
    if issued_on and issued_on > timezone.localdate():
        raise ValidationError(_("The date of issue cannot be in the future."))
    if issued_on and expires_on and expires_on <= issued_on:
        raise ValidationError(_("A document expires after it was issued."))
    kind = data.get("kind")
    if kind not in IdentityDocument.Kind.values:
        raise ValidationError(_("Choose a kind of document."))
    if kind not in IdentityDocument.NON_RESIDENCE_KINDS and not policy.has_perm(
        by, policy.Perm.VIEW_SENSITIVE
    ):
        raise PermissionDenied("residence documents need the right to sensitive sections")


def add_identity_document(*, by: User, person: Person, data: dict) -> IdentityDocument:
    _refuse_if_merged(person)
    _check_document(by, data)
    with transaction.atomic():
        document = IdentityDocument(
            organisation_id=person.organisation_id, person=person, created_by=by
        )
        for field in DOCUMENT_FIELDS:
            setattr(document, field, data.get(field) or getattr(document, field))
        document.save()
        record(
            action="identity_document.added",
            actor=by,
            obj=document,
            fields=[f for f in DOCUMENT_FIELDS if data.get(f)],
        )
    return document


def update_identity_document(
    *, by: User, document: IdentityDocument, version: int, data: dict
) -> IdentityDocument:
    _check_document(by, {f: data.get(f, getattr(document, f)) for f in DOCUMENT_FIELDS})
    with transaction.atomic():
        claim_version(document, expected=version)
        changed, previous = apply_changes(document, data, DOCUMENT_FIELDS)
        document.save()
        record(
            action="identity_document.changed",
            actor=by,
            obj=document,
            fields=changed,
            previous=previous,
        )
    return document


def archive_identity_document(
    *, by: User, document: IdentityDocument, version: int
) -> IdentityDocument:
    if document.archived_at:
        raise ValidationError(_("This document is already archived."))
    with transaction.atomic():
        claim_version(document, expected=version)
        document.archived_at = timezone.now()
        document.save()
        record(action="identity_document.archived", actor=by, obj=document)
    return document


# Relations between two people of the organisation.

RELATION_FIELDS = ("kind", "note", "started_on", "ended_on")


def _check_relation(data: dict) -> None:
    if data.get("kind") not in Relation.Kind.values:
        raise ValidationError(_("Choose a kind of relation."))
    started_on, ended_on = data.get("started_on"), data.get("ended_on")
    today = timezone.localdate()
    if (started_on and started_on > today) or (ended_on and ended_on > today):
        raise ValidationError(_("A relation cannot start or end in the future."))
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError(_("A relation ends after it started."))
    if len(data.get("note") or "") > Relation.NOTE_MAX_LENGTH:
        raise ValidationError(_("The note is too long."))


def add_relation(*, by: User, person: Person, relative: Person, data: dict) -> Relation:
    """Record that `relative` is the `kind` of `person` (her brother, his partner…)."""
    if person.pk == relative.pk:
        raise ValidationError(_("A person cannot be related to themselves."))
    if person.organisation_id != relative.organisation_id:
        raise PermissionDenied("a relation stays inside one organisation")
    _refuse_if_merged(person)
    _refuse_if_merged(relative)
    _check_relation(data)
    duplicate = _("These two people already have a relation: change that one instead.")
    if (
        Relation.objects.current()
        .filter(Q(person=person, relative=relative) | Q(person=relative, relative=person))
        .exists()
    ):
        raise ValidationError(duplicate)
    try:
        with transaction.atomic():
            relation = Relation.objects.create(
                organisation_id=person.organisation_id,
                person=person,
                relative=relative,
                created_by=by,
                kind=data["kind"],
                note=data.get("note") or "",
                started_on=data.get("started_on"),
                ended_on=data.get("ended_on"),
            )
            record(
                action="relation.added",
                actor=by,
                obj=relation,
                fields=[f for f in RELATION_FIELDS if data.get(f)],
            )
    except IntegrityError as exc:  # the same pair recorded at the same moment by someone else
        raise ValidationError(duplicate) from exc
    return relation


def update_relation(*, by: User, relation: Relation, version: int, data: dict) -> Relation:
    _check_relation({f: data.get(f, getattr(relation, f)) for f in RELATION_FIELDS})
    with transaction.atomic():
        claim_version(relation, expected=version)
        changed, previous = apply_changes(relation, data, RELATION_FIELDS)
        relation.save()
        record(action="relation.changed", actor=by, obj=relation, fields=changed, previous=previous)
    return relation


def archive_relation(*, by: User, relation: Relation, version: int) -> Relation:
    if relation.archived_at:
        raise ValidationError(_("This relation is already archived."))
    with transaction.atomic():
        claim_version(relation, expected=version)
        relation.archived_at = timezone.now()
        relation.save()
        record(action="relation.archived", actor=by, obj=relation)
    return relation
