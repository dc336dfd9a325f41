"""One timeline per person: everything that happened, newest first, as the viewer may see it.

Each source contributes its latest rows (bounded), so a page costs the same few queries
whatever the size of the file. Pages follow a cursor (time, kind, public id): two entries typed
for the same minute are never lost between pages. Later sources (appointments, encounters…)
add a function to SOURCES.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lien.casework.models import Appointment, Document, JournalEntry, Procedure, Referral

LIMIT = 50
ON_FILE = 15  # the latest items shown on the person's file; the rest on the timeline page


def _as_datetime(when: datetime.datetime | datetime.date) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when.astimezone(datetime.UTC)
    return datetime.datetime.combine(when, datetime.time.min, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Cursor:
    when: datetime.datetime
    kind: str
    public_id: uuid.UUID

    def __str__(self) -> str:
        return f"{self.when.isoformat()}~{self.kind}~{self.public_id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """Raises ValueError on anything but a cursor this module wrote."""
        when, kind, public_id = text.split("~")
        moment = datetime.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError("a cursor carries its time zone")
        try:
            moment = moment.astimezone(datetime.UTC)
        except OverflowError as exc:  # year 1 or 9999 shifted out of range
            raise ValueError("a cursor out of range") from exc
        return cls(moment, kind, uuid.UUID(public_id))

    def after(self, kind: str, field: str) -> Q:
        """Rows of a source of `kind` that come after this cursor, newest first."""
        if kind < self.kind:
            return Q(**{f"{field}__lte": self.when})
        if kind > self.kind:
            return Q(**{f"{field}__lt": self.when})
        return Q(**{f"{field}__lt": self.when}) | Q(
            **{field: self.when, "public_id__lt": self.public_id}
        )


@dataclass(frozen=True)
class Item:
    when: datetime.datetime | datetime.date
    kind: str  # "journal", "procedure", "follow_up": the template picks its rendering
    obj: Any

    @property
    def sort_key(self) -> tuple[datetime.datetime, str, uuid.UUID]:
        return (_as_datetime(self.when), self.kind, self.obj.public_id)

    @property
    def cursor(self) -> Cursor:
        return Cursor(*self.sort_key)


def _journal(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    entries = JournalEntry.objects.visible_to(user, person=person)
    if cursor is not None:
        entries = entries.filter(cursor.after("journal", "occurred_at"))
    entries = entries.select_related("author").order_by("-occurred_at", "-public_id")[:limit]
    return (Item(entry.occurred_at, "journal", entry) for entry in entries)


def _procedures(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    procedures = Procedure.objects.visible_to(user, person=person).filter(archived_at__isnull=True)
    if cursor is not None:
        procedures = procedures.filter(cursor.after("procedure", "created_at"))
    procedures = procedures.order_by("-created_at", "-public_id")[:limit]
    return (Item(procedure.created_at, "procedure", procedure) for procedure in procedures)


def _after_day(cursor: Cursor, kind: str, field: str) -> Q:
    """Rows dated by a day (sorting at midnight UTC of that day) that come after `cursor`."""
    day = cursor.when.date()
    if cursor.when.time() != datetime.time.min or kind < cursor.kind:
        return Q(**{f"{field}__lte": day})
    if kind > cursor.kind:
        return Q(**{f"{field}__lt": day})
    return Q(**{f"{field}__lt": day}) | Q(**{field: day, "public_id__lt": cursor.public_id})


def _follow_ups(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    # The file is visible, so its follow-ups are: they say which team works with the person.
    follow_ups = person.follow_ups.all()
    if cursor is not None:
        follow_ups = follow_ups.filter(_after_day(cursor, "follow_up", "started_on"))
    follow_ups = follow_ups.select_related("team").order_by("-started_on", "-public_id")[:limit]
    return (Item(follow_up.started_on, "follow_up", follow_up) for follow_up in follow_ups)


def _referrals(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    referrals = Referral.objects.visible_to(user, person=person).filter(archived_at__isnull=True)
    if cursor is not None:
        referrals = referrals.filter(_after_day(cursor, "referral", "referred_on"))
    referrals = referrals.select_related("partner").order_by("-referred_on", "-public_id")[:limit]
    return (Item(referral.referred_on, "referral", referral) for referral in referrals)


def _appointments(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    # What happened: appointments that have started (upcoming ones are listed on the file).
    appointments = (
        Appointment.objects.visible_to(user, person=person)
        .active()
        .filter(starts_at__lte=timezone.now())
    )
    if cursor is not None:
        appointments = appointments.filter(cursor.after("appointment", "starts_at"))
    appointments = appointments.only(
        "public_id", "title", "place", "starts_at", "ends_at", "status"
    ).order_by("-starts_at", "-public_id")[:limit]
    return (Item(a.starts_at, "appointment", a) for a in appointments)


def _documents(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    documents = Document.objects.visible_to(user, person=person)
    if cursor is not None:
        documents = documents.filter(cursor.after("document", "uploaded_at"))
    documents = documents.order_by("-uploaded_at", "-public_id")[:limit]
    return (Item(document.uploaded_at, "document", document) for document in documents)


def _encounters(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    # Street encounters naming the person, of the teams whose street work the user sees.
    from lien.outreach.models import Encounter

    encounters = Encounter.objects.visible_to(user).active().filter(persons=person)
    if cursor is not None:
        encounters = encounters.filter(cursor.after("encounter", "occurred_at"))
    encounters = encounters.select_related("place").order_by("-occurred_at", "-public_id")[:limit]
    return (Item(encounter.occurred_at, "encounter", encounter) for encounter in encounters)


def _mediations(user, person, limit: int, cursor: Cursor | None) -> Iterable[Item]:
    # Mediations naming the person, of the teams whose mediations the user sees.
    from lien.outreach.models import Mediation

    mediations = Mediation.objects.visible_to(user).active().filter(persons=person)
    if cursor is not None:
        mediations = mediations.filter(cursor.after("mediation", "occurred_at"))
    mediations = mediations.select_related("place", "territory").order_by(
        "-occurred_at", "-public_id"
    )[:limit]
    return (Item(mediation.occurred_at, "mediation", mediation) for mediation in mediations)


SOURCES: list[Callable[[Any, Any, int, Cursor | None], Iterable[Item]]] = [
    _journal,
    _procedures,
    _follow_ups,
    _referrals,
    _appointments,
    _documents,
    _encounters,
    _mediations,
]


def for_person(user, person, *, limit: int = LIMIT, cursor: Cursor | None = None):
    """The `limit` latest items after `cursor` (or the latest), and whether more exist."""
    items = [item for source in SOURCES for item in source(user, person, limit + 1, cursor)]
    items.sort(key=lambda item: item.sort_key, reverse=True)
    return items[:limit], len(items) > limit
