"""When a person was last in contact with the organisation: their latest journal entry, street
encounter or drop-in visit (archived ones left out), kept on `Person.last_contact_at`.

Today lists the people one's teams follow who have not been seen for a while; reading one
column of each followed person costs a few milliseconds where looking up each one's latest
entry cost tens (about 2,000 people for a coordinator at bench scale 100). The services that
write these records call `contact_made` (a new one) or `refresh` (one changed its date or
people, was archived, or moved in a merge).

Each follow-up keeps a copy, `FollowUp.last_seen_at` (the last contact, or the day the file was
opened): Today then reads a team's follow-ups in that order from an index and stops at the
first page, instead of reading each followed person.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

ACTIVE = "active"  # Person.Status.ACTIVE, spelt out for the migrations' historical models


def contact_made(person_ids: Iterable[int], when: datetime.datetime) -> None:
    """A contact at `when` with these people: their last contact moves forward, never back."""
    from lien.casework.models import FollowUp
    from lien.people.models import Person

    ids = list(person_ids)
    if ids:
        moved = (
            Person.objects.filter(pk__in=ids)
            .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=when))
            .update(last_contact_at=when)
        )
        if moved:
            copy_to_follow_ups(Person.objects.all(), FollowUp.objects.filter(person_id__in=ids))


def refresh(person_ids: Iterable[int]) -> None:
    """Recompute these people's last contact from the records themselves."""
    from lien.casework.models import FollowUp, JournalEntry
    from lien.outreach.models import Encounter, Passage
    from lien.people.models import Person

    ids = set(person_ids)
    if ids:
        fill(
            Person.objects.filter(pk__in=ids),
            JournalEntry.objects.all(),
            Encounter.persons.through.objects.all(),
            Passage.objects.all(),
        )
        copy_to_follow_ups(Person.objects.all(), FollowUp.objects.filter(person_id__in=ids))


def status_changed(person_ids: Iterable[int]) -> None:
    """These people left the active file, or came back to it."""
    from lien.casework.models import FollowUp
    from lien.people.models import Person

    copy_to_follow_ups(Person.objects.all(), FollowUp.objects.filter(person_id__in=person_ids))


def copy_to_follow_ups(people, follow_ups) -> None:
    """Copy onto `follow_ups` their person's last contact, or the day the file was opened;
    nothing for a person who is not in the active file (left, archived): Today then finds
    the people to look for in the follow-ups alone.

    `people` is the unfiltered queryset of the person model (a migration passes its own)."""
    follow_ups.update(
        last_seen_at=Subquery(
            people.filter(pk=OuterRef("person_id"), status=ACTIVE)
            .order_by()
            .values(seen=Coalesce("last_contact_at", "created_at"))[:1]
        )
    )


def _latest(records, when: str, **live):
    """The latest `when` of the person of the outer query among `records` (NULL: none)."""
    return (
        records.filter(person=OuterRef("pk"), **live)
        .order_by()
        .values("person")
        .annotate(at=Max(when))
        .values("at")
    )


def fill(people, journal_entries, encounter_people, passages) -> None:
    """Set `last_contact_at` of `people` (a queryset) from the three sources, each given as
    the unfiltered queryset of its model, so that a migration can pass its historical ones."""
    sources = [
        _latest(journal_entries, "occurred_at", archived_at__isnull=True),
        _latest(encounter_people, "encounter__occurred_at", encounter__archived_at__isnull=True),
        _latest(passages, "occurred_at", archived_at__isnull=True),
    ]
    people.update(last_contact_at=None)
    for source in sources:
        # Greatest() is NULL on SQLite as soon as one side is: one source at a time instead.
        people.filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=Subquery(source))
        ).update(last_contact_at=Subquery(source))
