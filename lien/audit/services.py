"""Writing audit events. Call `record` inside the transaction of the change it describes, so
that a failed audit write fails the change too."""

import json
import uuid
from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from lien.audit import context
from lien.audit.changes import serialise
from lien.audit.models import AuditEvent

# Every action Lien records, with the label an admin reads in the audit trail.
ACTIONS: dict[str, str] = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed login"),
    "auth.session_expired": _("Session expired"),
    "auth.password_changed": _("Password changed"),
    "auth.password_reset": _("Password reset"),
    "mfa.added": _("Second factor added"),
    "mfa.removed": _("Second factor removed"),
    "mfa.recovery_codes_reset": _("Recovery codes regenerated"),
    "mfa.failed": _("Failed second-factor code"),
    "user.invited": _("User invited"),
    "user.invitation_accepted": _("Invitation accepted"),
    "user.changed": _("User changed"),
    "user.deactivated": _("User deactivated"),
    "user.reactivated": _("User reactivated"),
    "team.created": _("Team created"),
    "team.changed": _("Team changed"),
    "team.archived": _("Team archived"),
    "audit.viewed": _("Audit trail viewed"),
    "history.viewed": _("History of changes read"),
    "person.created": _("Person created"),
    "person.viewed": _("Person file read"),
    "person.changed": _("Person changed"),
    "person.searched": _("People searched"),
    "person.left": _("Person left the active file"),
    "person.archived": _("Person file archived"),
    "person.reactivated": _("Person file reactivated"),
    "person.merged": _("Person files merged"),
    "person.merge_undone": _("Merge of person files undone"),
    "person.exported": _("List of people exported"),
    "identity_document.added": _("Identity document added"),
    "identity_document.changed": _("Identity document changed"),
    "identity_document.archived": _("Identity document archived"),
    "relation.added": _("Relation added"),
    "relation.changed": _("Relation changed"),
    "relation.archived": _("Relation archived"),
    "follow_up.ended": _("Follow-up ended"),
    "follow_up.opened": _("Follow-up opened"),
    "journal.added": _("Journal entry added"),
    "procedure.created": _("Procedure created"),
    "procedure.changed": _("Procedure changed"),
    "consent.recorded": _("Consent recorded"),
    "consent.withdrawn": _("Consent withdrawn"),
    "referral.created": _("Referral made"),
    "referral.changed": _("Referral changed"),
    "referral.consent_overridden": _("Referral made without consent"),
    "presence.started": _("Street presence started"),
    "presence.ended": _("Street presence ended"),
    "encounter.recorded": _("Encounter recorded"),
    "passage.recorded": _("Drop-in visit recorded"),
    "observation.recorded": _("Street observation recorded"),
    "observation.changed": _("Street observation changed"),
    "observation.archived": _("Street observation archived"),
    "mediation.recorded": _("Mediation recorded"),
    "mediation.changed": _("Mediation changed"),
    "mediation.archived": _("Mediation archived"),
    "mediation.viewed": _("Mediation naming people read"),
    "mediation.follow_up_done": _("Mediation follow-up done"),
    "counter.created": _("Daily counter created"),
    "counter.changed": _("Daily counter changed"),
    "counter.archived": _("Daily counter archived"),
    "daily_count.changed": _("Daily count changed"),
    "encounter.changed": _("Encounter changed"),
    "encounter.archived": _("Encounter archived"),
    "encounter.viewed": _("Encounter with named people read"),
    "presence.changed": _("Street presence changed"),
    "presence.archived": _("Street presence archived"),
    "passage.changed": _("Drop-in visit changed"),
    "passage.archived": _("Drop-in visit archived"),
    "passage.viewed": _("Drop-in visit of a named person read"),
    "territory.created": _("Neighbourhood created"),
    "territory.changed": _("Neighbourhood changed"),
    "territory.archived": _("Neighbourhood archived"),
    "territory.restored": _("Neighbourhood restored"),
    "place.created": _("Place created"),
    "place.changed": _("Place changed"),
    "place.archived": _("Place archived"),
    "place.restored": _("Place restored"),
    "theme.created": _("Theme created"),
    "theme.changed": _("Theme changed"),
    "theme.archived": _("Theme archived"),
    "theme.restored": _("Theme restored"),
    "circle.added": _("Added to the circle"),
    "circle.changed": _("Circle changed"),
    "circle.archived": _("Removed from the circle"),
    "pathway.created": _("Pathway template created"),
    "pathway.changed": _("Pathway template changed"),
    "pathway.archived": _("Pathway template archived"),
    "pathway.applied": _("Pathway tasks created"),
    "appointment.created": _("Appointment created"),
    "appointment.changed": _("Appointment changed"),
    "calendar_feed.created": _("Calendar link created"),
    "calendar_feed.revoked": _("Calendar link revoked"),
    "calendar_feed.read": _("Calendar link read"),
    "document.uploaded": _("Document uploaded"),
    "document.downloaded": _("Document downloaded"),
    "document.archived": _("Document archived"),
    "partner.created": _("Partner created"),
    "partner.changed": _("Partner changed"),
    "partner.archived": _("Partner archived"),
    "partner.imported": _("Partners imported"),
    "partner_contact.created": _("Partner contact added"),
    "partner_contact.changed": _("Partner contact changed"),
    "partner_contact.archived": _("Partner contact archived"),
    "custom_field.created": _("Custom field created"),
    "custom_field.changed": _("Custom field changed"),
    "custom_field.archived": _("Custom field archived"),
    "meeting.created": _("Team meeting recorded"),
    "meeting.changed": _("Team meeting changed"),
    "meeting.viewed": _("Team meeting minutes read"),
    "meeting.archived": _("Team meeting archived"),
    "decision.added": _("Meeting decision added"),
    "action_item.added": _("Action item added"),
    "action_item.done": _("Action item done"),
    "daily_report.created": _("Daily team report written"),
    "daily_report.changed": _("Daily team report changed"),
    "daily_report.viewed": _("Daily team report read"),
    "liaison.posted": _("Liaison message posted"),
    "liaison.viewed": _("Liaison board read"),
    "project.created": _("Collective project created"),
    "project.changed": _("Collective project changed"),
    "project.archived": _("Collective project archived"),
    "activity.created": _("Project activity added"),
    "activity.changed": _("Project activity changed"),
    "attendance.recorded": _("Attendance recorded"),
    "attendance.viewed": _("Attendance read"),
}


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def record(
    *,
    action: str,
    actor=None,
    organisation=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    previous: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Append one audit event. `fields` names what changed; `previous` gives the values the
    change replaced ({field: value}, see lien.audit.changes), kept encrypted so that a value
    overwritten by mistake is not lost. The new values are never stored here."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type_of(obj)
        object_id = str(getattr(obj, "public_id", "") or obj.pk)
    organisation_id = organisation.pk if organisation is not None else None
    if organisation_id is None and actor is not None:
        organisation_id = getattr(actor, "organisation_id", None)
    request = context.current()
    public_id = uuid.uuid4()
    return AuditEvent.objects.create(
        public_id=public_id,
        previous=_previous_payload(public_id, previous),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(set(fields)),
        ip=request.ip if request else None,
        request_id=request.request_id if request else "",
    )


def _previous_payload(public_id: uuid.UUID, previous: Mapping[str, object] | None) -> str | None:
    if not previous:
        return None
    values = serialise(previous)
    return json.dumps({"event": str(public_id), "values": values}, sort_keys=True)


def record_each(
    *, action: str, actor, changes: Iterable[tuple[models.Model, Iterable[str]]]
) -> list[AuditEvent]:
    """Append one event per (object, field names) pair, as `record` would, in a few queries:
    the audit of a bulk change such as an import."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    request = context.current()
    events = [
        AuditEvent(
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            organisation_id=getattr(actor, "organisation_id", None),
            object_type=object_type_of(obj),
            object_id=str(getattr(obj, "public_id", "") or obj.pk),
            fields=sorted(set(fields)),
            ip=request.ip if request else None,
            request_id=request.request_id if request else "",
        )
        for obj, fields in changes
    ]
    return AuditEvent.objects.bulk_create(events, batch_size=500)
