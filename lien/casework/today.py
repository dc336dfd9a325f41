"""The casework part of a user's Today page: what is due, overdue or slipping away."""

import datetime

from django.conf import settings
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.casework.models import Appointment, FollowUp, Procedure, Referral
from lien.people.models import IdentityDocument, Person

SOON = datetime.timedelta(days=7)
LIMIT = 30


def casework_today(user) -> dict:
    if not policy.has_perm(user, Perm.MANAGE_PROCEDURES):
        return {"casework_today": False}
    today = timezone.localdate()
    procedures = Procedure.objects.visible_to(user).select_related("person")
    mine = list(
        procedures.filter(responsible=user).due_by(today + SOON).order_by("due_on", "pk")[:LIMIT]
    )
    cpas = list(
        procedures.cpas_decision_due_by(today + SOON).order_by("cpas_received_on", "pk")[:LIMIT]
    )
    unanswered = list(
        Referral.objects.visible_to(user)
        .filter(created_by=user)
        .unanswered_by(today)
        .select_related("person", "partner")
        .order_by("remind_on", "pk")[:LIMIT]
    )
    expiring = list(
        IdentityDocument.objects.visible_to(user)
        .expiring_within(settings.LIEN_DOCUMENT_EXPIRY_DAYS)
        # Already of people the user sees: narrowed to those a team of theirs follows.
        .filter(person_id__in=_open_follow_ups_of_my_teams(user).values("person_id"))
        .select_related("person")[:LIMIT]
    )
    return {
        "casework_today": True,
        "expiring_documents": expiring,
        "expiry_days": settings.LIEN_DOCUMENT_EXPIRY_DAYS,
        "unanswered_referrals": unanswered,
        "today": today,
        "my_procedures": mine,
        "cpas_requests": cpas,
        "not_seen": not_seen(user, today=today),
        "not_seen_days": settings.LIEN_NOT_SEEN_DAYS,
    }


def not_seen(user, *, today: datetime.date) -> list[Person]:
    """People my teams follow with no contact (journal entry, street encounter, drop-in visit)
    for LIEN_NOT_SEEN_DAYS, longest first; a person never met counts from the day their file
    was opened."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=settings.LIEN_NOT_SEEN_DAYS), datetime.time.min
        )
    )
    # The follow-ups in the order of their copy of the last contact, read from the
    # (team, last_seen_at) index: the database stops at the first page instead of reading
    # every followed person. One row per person (followed by two of my teams: the same time).
    page = list(
        _open_follow_ups_of_my_teams(user)
        .filter(
            person_id__in=policy.visible_person_ids(user),
            last_seen_at__lt=cutoff,
            person__status=Person.Status.ACTIVE,
            person__organisation_id=user.organisation_id,
        )
        .order_by("last_seen_at", "person_id")
        .values_list("last_seen_at", "person_id")
        .distinct()[:LIMIT]
    )
    # People the access policy let through just above, read by their ids.
    people = Person.objects.in_bulk([person_id for _, person_id in page])
    return [people[person_id] for _, person_id in page]


def _open_follow_ups_of_my_teams(user):
    return FollowUp.objects.open().filter(team__team_memberships__user=user)


def appointments_today(user) -> dict:
    """My appointments of today and of the rest of the week (Brussels days), not cancelled."""
    if not policy.has_perm(user, Perm.VIEW_APPOINTMENTS):
        return {"appointments_shown": False}
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    )
    monday_next = today + datetime.timedelta(days=7 - today.weekday())
    week_end = timezone.make_aware(datetime.datetime.combine(monday_next, datetime.time.min))
    mine = (
        Appointment.objects.visible_to(user)
        .active()
        .attended_by(user)
        .exclude(status=Appointment.Status.CANCELLED)
        .only("public_id", "title", "place", "starts_at", "ends_at", "status")
        .order_by("starts_at", "pk")
    )
    upcoming = list(mine.overlapping(start, week_end)[: LIMIT * 2])
    return {
        "appointments_shown": True,
        "appointments_today": [a for a in upcoming if a.starts_at < tomorrow],
        "appointments_week": [a for a in upcoming if a.starts_at >= tomorrow],
    }
