"""Writes for appointments and the calendar feed: in a transaction, audited."""

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.accounts.models import User
from lien.audit.changes import apply_changes, related_text
from lien.audit.services import record
from lien.casework.models import Appointment, CalendarFeedToken
from lien.core.versioning import claim_version

APPOINTMENT_FIELDS = ("partner", "title", "starts_at", "ends_at", "place", "note", "status")
# A feed read is audited at most this often per link: calendar apps poll every few minutes.
FEED_READ_AUDIT_INTERVAL = datetime.timedelta(hours=1)
# The feed of one link is served at most once in this interval.
FEED_MIN_INTERVAL = datetime.timedelta(seconds=10)


def _check_times(appointment: Appointment) -> None:
    starts_at, ends_at = appointment.starts_at, appointment.ends_at
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError(_("An appointment ends after it starts."))


def _check(*, by: User, data: dict, workers: Iterable[User]) -> list[User]:
    if len(data.get("note") or "") > Appointment.NOTE_MAX_LENGTH:
        raise ValidationError(_("The note is too long."))
    partner = data.get("partner")
    if partner is not None and partner.organisation_id != by.organisation_id:
        raise PermissionDenied("partner of another organisation")
    workers = list(workers)
    if any(worker.organisation_id != by.organisation_id for worker in workers):
        raise PermissionDenied("worker of another organisation")
    return workers


def create_appointment(
    *, by: User, data: dict, workers: Iterable[User], person=None
) -> Appointment:
    """A person's appointment when `person` is given; else a partner or team appointment."""
    workers = _check(by=by, data=data, workers=workers)
    if person is not None and person.organisation_id != by.organisation_id:
        raise PermissionDenied("person of another organisation")
    with transaction.atomic():
        appointment = Appointment(organisation_id=by.organisation_id, person=person, created_by=by)
        for field in APPOINTMENT_FIELDS:
            if field in data:
                setattr(appointment, field, data[field])
        _check_times(appointment)
        appointment.save()
        appointment.workers.set(workers)
        filled = [f for f in APPOINTMENT_FIELDS if data.get(f)]
        record(
            action="appointment.created",
            actor=by,
            obj=appointment,
            fields=filled + (["person"] if person else []) + (["workers"] if workers else []),
        )
    return appointment


def update_appointment(
    *, by: User, appointment: Appointment, version: int, data: dict, workers: Iterable[User]
) -> Appointment:
    workers = _check(by=by, data=data, workers=workers)
    with transaction.atomic():
        claim_version(appointment, expected=version)
        changed, previous = apply_changes(appointment, data, APPOINTMENT_FIELDS)
        _check_times(appointment)
        appointment.save()
        before = list(appointment.workers.all())
        if {w.pk for w in workers} != {w.pk for w in before}:
            appointment.workers.set(workers)
            changed.append("workers")
            previous["workers"] = related_text(before)
        record(
            action="appointment.changed",
            actor=by,
            obj=appointment,
            fields=changed,
            previous=previous,
        )
    return appointment


def set_appointment_status(
    *, by: User, appointment: Appointment, status: str, version: int
) -> Appointment:
    """Mark an appointment done, missed or cancelled (or planned again), if it is still at
    `version` (the one the buttons were shown with); else raise EditConflict and change
    nothing. Bumps the version, so a form opened before this change reports a conflict
    instead of undoing it."""
    if status not in Appointment.Status.values:
        raise ValueError(f"unknown appointment status {status!r}")
    with transaction.atomic():
        if appointment.status == status and appointment.version == version:
            return appointment
        claim_version(appointment, expected=version)
        previous = {"status": appointment.status}
        Appointment.objects.filter(pk=appointment.pk).update(status=status)
        appointment.refresh_from_db(fields=["status", "version"])
        record(
            action="appointment.changed",
            actor=by,
            obj=appointment,
            fields=["status"],
            previous=previous,
        )
    return appointment


# The calendar feed.


def hash_feed_token(token: str) -> str:
    # The token is 256 random bits: a plain SHA-256 is enough to make the stored value useless
    # to someone reading the database (no key, no normalisation that would lose entropy).
    return hashlib.sha256(token.encode()).hexdigest()


def create_calendar_feed(*, by: User) -> tuple[CalendarFeedToken, str]:
    """A new secret address for `by`'s calendar; any previous one stops working. Returns the
    record and the token, which is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _revoke_active(by=by)
        feed = CalendarFeedToken.objects.create(
            organisation_id=by.organisation_id, user=by, token_hash=hash_feed_token(token)
        )
        record(action="calendar_feed.created", actor=by, obj=feed)
    return feed, token


def revoke_calendar_feed(*, by: User) -> int:
    """Stop `by`'s calendar address at once. Returns how many were active (0 or 1)."""
    with transaction.atomic():
        return _revoke_active(by=by)


def _revoke_active(*, by: User) -> int:
    active = list(
        CalendarFeedToken.objects.select_for_update().filter(user=by, revoked_at__isnull=True)
    )
    now = timezone.now()
    for feed in active:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        record(action="calendar_feed.revoked", actor=by, obj=feed)
    return len(active)


def claim_calendar_feed_read(*, feed: CalendarFeedToken) -> bool:
    """Note a read of the feed. False when the previous read was less than FEED_MIN_INTERVAL
    ago: calendar applications poll every few minutes at most, so faster reads are refused.
    A read is audited at most once an hour per address."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            CalendarFeedToken.objects.filter(pk=feed.pk)
            .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lte=now - FEED_MIN_INTERVAL))
            .update(last_read_at=now)
        )
        if not claimed:
            return False
        feed.last_read_at = now
        if feed.last_audited_at is None or now - feed.last_audited_at >= FEED_READ_AUDIT_INTERVAL:
            CalendarFeedToken.objects.filter(pk=feed.pk).update(last_audited_at=now)
            feed.last_audited_at = now
            record(action="calendar_feed.read", actor=feed.user, obj=feed)
    return True
