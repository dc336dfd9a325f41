"""Daily counters: the kinds an organisation counts (configured by admins and coordinators)
and each team's counts of the day, the only place that writes them."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.audit.services import record
from lien.core.versioning import EditConflict, claim_version
from lien.outreach.models import CounterType, DailyCount

COUNTER_FIELDS = ("label_fr", "label_nl", "label_en", "team", "position")
# A day's count above this is refused whatever the confirmation (a typo of several digits).
COUNT_HARD_LIMIT = 100_000
# How far back a team may still enter or correct its counts.
DAYS_BACK = 31


def _check_manager(by: User, counter: CounterType | None = None) -> None:
    if not policy.has_perm(by, Perm.MANAGE_COUNTERS):
        raise PermissionDenied
    if counter is not None and counter.organisation_id != by.organisation_id:
        raise PermissionDenied("a counter of another organisation")


def _clean_counter(by: User, data: Mapping) -> dict:
    values = {name: data.get(name) for name in COUNTER_FIELDS}
    for name in ("label_fr", "label_nl", "label_en"):
        values[name] = " ".join((values[name] or "").split())
        if len(values[name]) > 100:
            raise ValidationError(_("A label has at most 100 characters."))
    if not values["label_fr"]:
        raise ValidationError(_("Give the counter a label in French."))
    team = values["team"]
    if team is not None and team.organisation_id != by.organisation_id:
        raise PermissionDenied("a team of another organisation")
    values["position"] = int(values["position"] or 0)
    if not 0 <= values["position"] <= 32767:
        raise ValidationError(_("Give a position between 0 and 32767."))
    return values


def define_counter(*, by: User, data: Mapping) -> CounterType:
    _check_manager(by)
    values = _clean_counter(by, data)
    with transaction.atomic():
        counter = CounterType.objects.create(
            organisation_id=by.organisation_id, created_by=by, **values
        )
        fields = [name for name, value in values.items() if value]
        record(action="counter.created", actor=by, obj=counter, fields=fields)
    return counter


def update_counter(*, by: User, counter: CounterType, version: int, data: Mapping) -> CounterType:
    _check_manager(by, counter)
    values = _clean_counter(by, data)
    with transaction.atomic():
        claim_version(counter, expected=version)
        changed = [name for name, value in values.items() if getattr(counter, name) != value]
        for name in changed:
            setattr(counter, name, values[name])
        counter.save()
        record(action="counter.changed", actor=by, obj=counter, fields=changed)
    return counter


def archive_counter(*, by: User, counter: CounterType) -> CounterType:
    """The counter leaves the day's form; its past counts stay (and still show in the table)."""
    _check_manager(by, counter)
    with transaction.atomic():
        updated = CounterType.objects.filter(pk=counter.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), version=models.F("version") + 1
        )
        counter.refresh_from_db(fields=["archived_at", "version"])
        if updated:
            record(action="counter.archived", actor=by, obj=counter, fields=["archived_at"])
    return counter


# The counts.


def check_day(day: datetime.date) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError(_("This day is in the future: counts are entered on the day."))
    if day < today - datetime.timedelta(days=DAYS_BACK):
        raise ValidationError(
            _("Counts older than %(days)d days are no longer changed here.") % {"days": DAYS_BACK}
        )


def _check_counting(by: User, team: Team, counters) -> None:
    if not policy.outreach_teams(by, Team.objects.filter(pk=team.pk)).exists():
        raise PermissionDenied("this user does not record street work for this team")
    usable = set(
        CounterType.objects.visible_to(by)
        .active()
        .filter(models.Q(team__isnull=True) | models.Q(team=team))
        .values_list("pk", flat=True)
    )
    if any(counter.pk not in usable for counter in counters):
        raise PermissionDenied("a counter this team does not use")


def set_counts(
    *,
    by: User,
    team: Team,
    day: datetime.date,
    counts: Mapping[CounterType, int],
    versions: Mapping[CounterType, int],
) -> list[DailyCount]:
    """Set the team's counts of `day`, each from the version the form showed (0: no row yet).

    Raises EditConflict (with the team's current rows of the day) if a colleague changed one
    of them meanwhile: nothing is written then. Returns the rows that changed.
    """
    check_day(day)
    _check_counting(by, team, counts)
    if any(not 0 <= value <= COUNT_HARD_LIMIT for value in counts.values()):
        raise ValidationError(_("A count is between 0 and %(max)d.") % {"max": COUNT_HARD_LIMIT})
    now = timezone.now()
    changed: list[DailyCount] = []
    try:
        with transaction.atomic():
            rows = {
                row.counter_id: row
                for row in DailyCount.objects.select_for_update().filter(
                    team=team, day=day, counter__in=list(counts)
                )
            }
            for counter, value in counts.items():
                row = rows.get(counter.pk)
                expected = versions.get(counter, 0)
                if row is None:
                    if expected != 0:
                        raise EditConflict(None)
                    if value == 0:
                        continue
                    row = DailyCount.objects.create(
                        organisation_id=by.organisation_id,
                        team=team,
                        counter=counter,
                        day=day,
                        count=value,
                        updated_by=by,
                        updated_at=now,
                    )
                else:
                    if row.count == value:
                        if row.version != expected:
                            raise EditConflict(row)
                        continue
                    claim_version(row, expected=expected)
                    row.count, row.updated_by, row.updated_at = value, by, now
                    row.save(update_fields=["count", "updated_by", "updated_at"])
                record(action="daily_count.changed", actor=by, obj=row, fields=["count"])
                changed.append(row)
    except IntegrityError as exc:  # a colleague created the row at the same moment
        raise EditConflict(None) from exc
    return changed


def step_count(
    *, by: User, team: Team, day: datetime.date, counter: CounterType, delta: int
) -> DailyCount | None:
    """Add `delta` (+1 or −1) to one count: a tap on + or −. Steps of two colleagues add up
    rather than conflict. A − at zero changes nothing (returns None)."""
    if delta not in (1, -1):
        raise ValidationError(_("One more or one less."))
    check_day(day)
    _check_counting(by, team, [counter])
    now = timezone.now()
    with transaction.atomic():
        row = (
            DailyCount.objects.select_for_update()
            .filter(team=team, day=day, counter=counter)
            .first()
        )
        if row is None:
            if delta < 0:
                return None
            try:
                with transaction.atomic():
                    row = DailyCount.objects.create(
                        organisation_id=by.organisation_id,
                        team=team,
                        counter=counter,
                        day=day,
                        count=1,
                        updated_by=by,
                        updated_at=now,
                    )
            except IntegrityError:
                row = DailyCount.objects.select_for_update().get(
                    team=team, day=day, counter=counter
                )
                return _step(by, row, delta, now)
            record(action="daily_count.changed", actor=by, obj=row, fields=["count"])
            return row
        return _step(by, row, delta, now)


def _step(by: User, row: DailyCount, delta: int, now) -> DailyCount | None:
    if row.count + delta < 0 or row.count + delta > COUNT_HARD_LIMIT:
        return None
    DailyCount.objects.filter(pk=row.pk).update(
        count=models.F("count") + delta,
        version=models.F("version") + 1,
        updated_by=by,
        updated_at=now,
    )
    row.refresh_from_db(fields=["count", "version", "updated_by", "updated_at"])
    record(action="daily_count.changed", actor=by, obj=row, fields=["count"])
    return row
