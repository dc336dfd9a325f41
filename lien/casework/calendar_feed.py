"""The iCalendar feed: one user's appointments, with nothing sensitive in them.

A calendar application stores the feed on a phone or in a cloud account that Lien does not
control, so an event says only that there is an appointment, when, and where to read it in
Lien (after logging in): no title, person, partner, place or note.
"""

import datetime

import icalendar
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.casework.models import Appointment, CalendarFeedToken
from lien.casework.services_appointments import hash_feed_token

PAST = datetime.timedelta(days=30)
FUTURE = datetime.timedelta(days=180)
MAX_EVENTS = 2_000
TOKEN_MAX_LENGTH = 100

_STATUS = {
    Appointment.Status.PLANNED: "CONFIRMED",
    Appointment.Status.DONE: "CONFIRMED",
    Appointment.Status.MISSED: "CONFIRMED",
    Appointment.Status.CANCELLED: "CANCELLED",
}


def find_feed(token: str) -> CalendarFeedToken | None:
    """The active feed of an active member for this token, or None (one query, two when the
    token matches)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    feed = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or feed.organisation_id != feed.user.organisation_id:
        return None
    if not policy.has_perm(feed.user, Perm.VIEW_APPOINTMENTS):
        return None
    return feed


def appointments_for(feed: CalendarFeedToken, *, now=None) -> list[Appointment]:
    """The appointments the feed's user attends, from 30 days ago to 180 days ahead."""
    now = now or timezone.now()
    user = feed.user
    return list(
        Appointment.objects.visible_to(user)
        .active()
        .attended_by(user)
        .overlapping(now - PAST, now + FUTURE)
        .only("public_id", "starts_at", "ends_at", "status", "version", "created_at")
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )


def render(feed: CalendarFeedToken, appointments: list[Appointment], *, base_url: str) -> bytes:
    """The calendar as bytes, in the user's language."""
    with translation.override(feed.user.language or "fr"):
        calendar = icalendar.Calendar.new(
            prodid="-//Lien//Agenda//EN", name=_("Lien appointments"), uid=str(feed.public_id)
        )
        summary = _("Appointment (Lien)")
        for appointment in appointments:
            # The agenda page of that day: it opens for everyone who may see the appointment.
            day = timezone.localtime(appointment.starts_at).date()
            link = f"{base_url}{reverse('casework:agenda_day')}?day={day.isoformat()}"
            event = icalendar.Event.new(
                uid=f"{appointment.public_id}@lien",
                summary=summary,
                start=appointment.starts_at.astimezone(datetime.UTC),
                end=appointment.ends_at.astimezone(datetime.UTC),
                url=link,
                description=_("Details in Lien: %(link)s") % {"link": link},
                sequence=appointment.version - 1,
                created=appointment.created_at.astimezone(datetime.UTC),
                status=_STATUS[appointment.status],
                classification="PRIVATE",
            )
            calendar.add_component(event)
    return calendar.to_ical()
