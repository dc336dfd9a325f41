"""Writes for casework: journal entries and procedures, in a transaction, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lien.access import policy
from lien.accounts.models import User
from lien.audit.changes import apply_changes
from lien.audit.services import record
from lien.casework import contacts
from lien.casework.models import JournalEntry, Procedure
from lien.core.versioning import claim_version
from lien.people.models import Person

PROCEDURE_FIELDS = (
    "domain",
    "title",
    "status",
    "due_on",
    "responsible",
    "partner",
    "partner_name",
    "outcome",
    "cpas_received_on",
    "cpas_notified_on",
)


def add_journal_entry(
    *,
    by: User,
    person: Person,
    text: str,
    kind: str,
    channel: str,
    visibility: str,
    section: str,
    occurred_at=None,
) -> JournalEntry:
    if visibility not in policy.note_visibilities_for(by):
        raise PermissionDenied("this visibility is not open to this user")
    if section != JournalEntry.Section.GENERAL and not policy.has_perm(
        by, policy.Perm.VIEW_SENSITIVE
    ):
        raise PermissionDenied("sensitive sections need their own right")
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            author=by,
            text=text,
            kind=kind,
            channel=channel,
            visibility=visibility,
            section=section,
            occurred_at=occurred_at or timezone.now(),
        )
        contacts.contact_made([person.pk], entry.occurred_at)
        record(
            action="journal.added",
            actor=by,
            obj=person,
            # The section (health, justice…) is itself sensitive: never in the audit trail.
            fields=["journal", entry.visibility],
        )
    return entry


def _check_links(person: Person, data: dict) -> None:
    for field in ("responsible", "partner"):
        linked = data.get(field)
        if linked is not None and linked.organisation_id != person.organisation_id:
            raise PermissionDenied(f"the {field} belongs to another organisation")


def create_procedure(*, by: User, person: Person, data: dict) -> Procedure:
    _check_links(person, data)
    with transaction.atomic():
        procedure = Procedure(organisation_id=person.organisation_id, person=person, created_by=by)
        for field in PROCEDURE_FIELDS:
            if field in data:
                setattr(procedure, field, data[field])
        if procedure.due_on is None and procedure.deadlines is not None:
            # A CPAS request without a due date: the legal decision date is the next step.
            procedure.due_on = procedure.deadlines.decision_due
        procedure.save()
        record(
            action="procedure.created",
            actor=by,
            obj=procedure,
            fields=[f for f in PROCEDURE_FIELDS if data.get(f)],
        )
    return procedure


def update_procedure(*, by: User, procedure: Procedure, version: int, data: dict) -> Procedure:
    _check_links(procedure.person, data)
    with transaction.atomic():
        claim_version(procedure, expected=version)
        changed, previous = apply_changes(procedure, data, PROCEDURE_FIELDS)
        procedure.save()
        record(
            action="procedure.changed", actor=by, obj=procedure, fields=changed, previous=previous
        )
    return procedure
