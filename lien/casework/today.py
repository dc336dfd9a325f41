"""The casework part of a user's Today page: what is due, overdue or slipping away."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.utils import timezone

from lien.access import policy
from lien.access.policy import Perm
from lien.casework.models import Appointment, FollowUp, Procedure, Referral
from lien.people.models import IdentityDocument, Person

SOON = datetime.timedelta(days=7)
# Rows of each list on Today (a phone screen or two); the rest on the list's own page.
ROWS = 10
PAGE_SIZE = 50
# Appointments of the week on Today.
LIMIT = 30


def _my_procedures(user, today: datetime.date):
    return (
        Procedure.objects.visible_to(user)
        .select_related("person")
        .filter(responsible=user)
        .due_by(today + SOON)
        .order_by("due_on", "pk")
    )


def _cpas_requests(user, today: datetime.date):
    return (
        Procedure.objects.visible_to(user)
        .select_related("person")
        .cpas_decision_due_by(today + SOON)
        .order_by("cpas_received_on", "pk")
    )


def _unanswered_referrals(user, today: datetime.date):
    return (
        Referral.objects.visible_to(user)
        .filter(created_by=user)
        .unanswered_by(today)
        .select_related("person", "partner")
        .order_by("remind_on", "pk")
    )


def _expiring_documents(user, today: datetime.date):
    return (
        IdentityDocument.objects.visible_to(user)
        .expiring_within(settings.LIEN_DOCUMENT_EXPIRY_DAYS)
        # Already of people the user sees: narrowed to those a team of theirs follows.
        .filter(person_id__in=_open_follow_ups_of_my_teams(user).values("person_id"))
        .select_related("person")
        .order_by("expires_on", "pk")
    )


def _not_seen(user, today: datetime.date):
    """(last seen, person id) of the people my teams follow with no contact (journal entry,
    street encounter, drop-in visit) for LIEN_NOT_SEEN_DAYS, longest first; a person never
    met counts from the day their file was opened."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=settings.LIEN_NOT_SEEN_DAYS), datetime.time.min
        )
    )
    # The follow-ups in the order of their copy of the last contact, read from the
    # (team, last_seen_at) index alone, instead of every followed person: the copy is empty
    # when the person is not in the active file, and the user's teams are of their
    # organisation. One row per person (followed by two of my teams: the same time on both).
    return (
        _open_follow_ups_of_my_teams(user)
        .filter(person_id__in=policy.visible_person_ids(user), last_seen_at__lt=cutoff)
        .order_by("last_seen_at", "person_id")
        .values_list("last_seen_at", "person_id")
        .distinct()
    )


def _people(rows) -> list[Person]:
    # People the access policy let through in `_not_seen`, read by their ids.
    people = Person.objects.in_bulk([person_id for _, person_id in rows])
    return [people[person_id] for _, person_id in rows]


@dataclass(frozen=True)
class Section:
    """A list of Today, shown in full on a page of its own."""

    slug: str  # its page: `web:today_<slug>`
    name: str  # its key in the page context, and its template `web/today/_<name>.html`
    heading: str  # the id of its heading on Today
    rows: Callable  # (user, today) -> the whole list, in order
    load: Callable = list  # a slice of `rows` -> what the template shows

    @property
    def template(self) -> str:
        return f"web/today/_{self.name}.html"

    @property
    def route_name(self) -> str:
        return f"today_{self.slug.replace('-', '_')}"

    @property
    def url_name(self) -> str:
        return f"web:{self.route_name}"


SECTIONS = {
    section.slug: section
    for section in (
        Section("procedures", "my_procedures", "due-heading", _my_procedures),
        Section("cpas", "cpas_requests", "cpas-heading", _cpas_requests),
        Section("referrals", "unanswered_referrals", "referrals-heading", _unanswered_referrals),
        Section("documents", "expiring_documents", "expiring-heading", _expiring_documents),
        Section("not-seen", "not_seen", "not-seen-heading", _not_seen, _people),
    )
}


def _common(today: datetime.date) -> dict:
    return {
        "casework_today": True,
        "today": today,
        "expiry_days": settings.LIEN_DOCUMENT_EXPIRY_DAYS,
        "not_seen_days": settings.LIEN_NOT_SEEN_DAYS,
    }


def casework_today(user) -> dict:
    """The first rows of each list, and whether it has more (one row more is read)."""
    if not policy.has_perm(user, Perm.MANAGE_PROCEDURES):
        return {"casework_today": False}
    today = timezone.localdate()
    context = _common(today)
    lists = []
    for section in SECTIONS.values():
        rows = list(section.rows(user, today)[: ROWS + 1])
        context[section.name] = section.load(rows[:ROWS])
        lists.append({"section": section, "rows": context[section.name], "more": len(rows) > ROWS})
    context["casework_lists"] = lists
    return context


def section_page(user, slug: str, page_number) -> dict:
    """One list of Today in full, a page at a time (any page number answers a page)."""
    section = SECTIONS[slug]
    today = timezone.localdate()
    page = Paginator(section.rows(user, today), PAGE_SIZE).get_page(page_number)
    return {
        **_common(today),
        "section": section,
        "page": page,
        "rows": section.load(list(page.object_list)),
    }


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
