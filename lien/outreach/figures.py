"""Street-work figures of a neighbourhood, a place, or all of them, over a period.

Every figure is one GROUP BY query over the records the user sees (their teams'), read from the
(territory, team, time) and (place, time) indexes, so a page costs the same number of queries
whatever the volume; Python only reshapes the few grouped rows.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.outreach.models import (
    AnonymousCount,
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
    Theme,
)

DEFAULT_DAYS = 90
TOP_THEMES = 8
GENDERS = [value for value, _label in Encounter.Gender.choices]
# A person's file says "U" where an anonymous count says "?".
PERSON_GENDER = {"F": "F", "M": "M", "X": "X", "U": "?"}
UNKNOWN_AGE = "unknown"


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, *, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return cls(start=today - datetime.timedelta(days=days - 1), end=today)

    @property
    def since(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        return _midnight(self.end + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def weeks(self) -> list[datetime.date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - datetime.timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            weeks.append(monday)
            monday += datetime.timedelta(days=7)
        return weeks


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


# Age bands -------------------------------------------------------------------------------


def _band_bounds() -> list[tuple[str, int | None, int | None]]:
    """(code, lowest age, highest age) of the configured bands whose code reads as ages:
    "lt15" (under 15), "15-17", "gt25" (over 25)."""
    bounds = []
    for code, _label in settings.LIEN_OUTREACH_AGE_BANDS:
        if match := re.fullmatch(r"lt(\d+)", code):
            bounds.append((code, None, int(match[1]) - 1))
        elif match := re.fullmatch(r"gt(\d+)", code):
            bounds.append((code, int(match[1]) + 1, None))
        elif match := re.fullmatch(r"(\d+)-(\d+)", code):
            bounds.append((code, int(match[1]), int(match[2])))
    return bounds


def band_of_age(age: int | None) -> str:
    if age is None:
        return UNKNOWN_AGE
    for code, low, high in _band_bounds():
        if (low is None or age >= low) and (high is None or age <= high):
            return code
    return UNKNOWN_AGE


@dataclass
class PeopleTable:
    """People met by age band (rows) and gender (columns): anonymous counts plus named people
    (their age in the period's last year, from the birth year on file)."""

    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    anonymous: int = 0
    anonymous_new: int = 0
    named: int = 0

    def add(self, band: str, gender: str, count: int) -> None:
        self.cells[band, gender] = self.cells.get((band, gender), 0) + count

    @property
    def total(self) -> int:
        return self.anonymous + self.named

    def rows(self) -> list[dict]:
        bands = [*settings.LIEN_OUTREACH_AGE_BANDS, (UNKNOWN_AGE, _("Age unknown"))]
        rows = []
        for code, label in bands:
            figures = [self.cells.get((code, g), 0) for g in GENDERS]
            if code == UNKNOWN_AGE and not any(figures):
                continue
            rows.append({"label": label, "figures": figures, "total": sum(figures)})
        return rows

    def gender_totals(self) -> list[int]:
        return [sum(v for (_b, g), v in self.cells.items() if g == gender) for gender in GENDERS]


def _people_table(encounters, period: Period) -> PeopleTable:
    """Two grouped queries: anonymous counts by band, gender and new; named people on the
    encounters by birth year and gender."""
    table = PeopleTable()
    anonymous = (
        AnonymousCount.objects.filter(encounter__in=encounters.values("pk"))
        .values("age_band", "gender", "is_new")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in anonymous:
        table.add(row["age_band"], row["gender"], row["n"])
        table.anonymous += row["n"]
        if row["is_new"]:
            table.anonymous_new += row["n"]
    named = (
        Encounter.persons.through.objects.filter(encounter__in=encounters.values("pk"))
        .values("person__birth_year", "person__gender")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in named:
        year = row["person__birth_year"]
        band = band_of_age(period.end.year - year if year else None)
        table.add(band, PERSON_GENDER.get(row["person__gender"], "?"), row["n"])
        table.named += row["n"]
    return table


# A neighbourhood ---------------------------------------------------------------------------


@dataclass
class Week:
    monday: datetime.date
    count: int


@dataclass
class TerritoryFigures:
    period: Period
    presences: int
    presence_hours: float
    encounters: int
    people: PeopleTable
    weeks: list[Week]
    themes: list[dict]
    observations: list[dict]
    mediations: list[dict]
    passages: int
    passages_named: int
    places: list


def _choices_rows(rows, key: str, choices) -> list[dict]:
    labels = dict(choices)
    return [
        {"code": row[key], "label": labels.get(row[key], row[key]), "count": row["n"]}
        for row in sorted(rows, key=lambda r: (-r["n"], r[key]))
    ]


def _presence_totals(presences) -> tuple[int, float]:
    """Ended presences: how many, and their hours (end − start, summed in the database)."""
    totals = presences.filter(ended_at__isnull=False).aggregate(
        n=Count("pk"),
        duration=Sum(
            ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
        ),
    )
    duration = totals["duration"] or datetime.timedelta()
    return totals["n"], round(duration.total_seconds() / 3600, 1)


def territory_encounters(user, territory, period: Period):
    return (
        Encounter.objects.visible_to(user)
        .active()
        .filter(territory=territory, occurred_at__gte=period.since, occurred_at__lt=period.until)
    )


def territory_figures(user, territory, period: Period) -> TerritoryFigures:
    """A neighbourhood over a period, for the user's teams: a fixed number of queries."""
    encounters = territory_encounters(user, territory, period)
    in_period = {"since": period.since, "until": period.until}
    presences = (
        Presence.objects.visible_to(user)
        .active()
        .filter(territory=territory, started_at__gte=in_period["since"])
        .filter(started_at__lt=in_period["until"])
    )
    sessions, hours = _presence_totals(presences)

    # Encounters per day in SQL (the time zone's day), summed into weeks here.
    per_day = (
        encounters.annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weeks = {monday: 0 for monday in period.weeks()}
    for row in per_day:
        day = row["day"]
        monday = day - datetime.timedelta(days=day.weekday())
        if monday in weeks:
            weeks[monday] += row["n"]

    themes = (
        Encounter.themes.through.objects.filter(encounter__in=encounters.values("pk"))
        .values("theme_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "theme_id")[:TOP_THEMES]
    )
    themes = list(themes)
    labels = {t.pk: t for t in Theme.objects.filter(pk__in=[row["theme_id"] for row in themes])}
    top_themes = [{"theme": labels[row["theme_id"]], "count": row["n"]} for row in themes]

    # Observations and mediations carry their place's neighbourhood (their services set it).
    observations = (
        Observation.objects.visible_to(user)
        .active()
        .filter(territory=territory, observed_at__gte=period.since, observed_at__lt=period.until)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    mediations = (
        Mediation.objects.visible_to(user)
        .active()
        .filter(territory=territory, occurred_at__gte=period.since, occurred_at__lt=period.until)
        .values("nature")
        .annotate(n=Count("pk"))
        .order_by()
    )
    passages = (
        Passage.objects.visible_to(user)
        .active()
        .filter(place__territory=territory)
        .filter(occurred_at__gte=period.since, occurred_at__lt=period.until)
        .aggregate(n=Count("pk"), named=Count("pk", filter=Q(person__isnull=False)))
    )
    return TerritoryFigures(
        period=period,
        presences=sessions,
        presence_hours=hours,
        encounters=sum(weeks.values()),
        people=_people_table(encounters, period),
        weeks=[Week(monday, count) for monday, count in weeks.items()],
        themes=top_themes,
        observations=_choices_rows(observations, "category", Observation.Category.choices),
        mediations=_choices_rows(mediations, "nature", Mediation.Nature.choices),
        passages=passages["n"],
        passages_named=passages["named"],
        places=places_with_counts(user, period, territory=territory),
    )


# Places --------------------------------------------------------------------------------


def places_with_counts(user, period: Period, *, territory=None) -> list[Place]:
    """The places the user sees (live ones, and archived ones with activity in the period),
    each with `encounter_count`, `people_count` (anonymous + named) and `observation_count`
    for the period: four queries whatever the number of places."""
    places = Place.objects.visible_to(user).select_related("territory")
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(occurred_at__gte=period.since, occurred_at__lt=period.until, place__isnull=False)
    )
    observations = (
        Observation.objects.visible_to(user)
        .active()
        .filter(observed_at__gte=period.since, observed_at__lt=period.until, place__isnull=False)
    )
    if territory is not None:
        places = places.filter(territory=territory)
        encounters = encounters.filter(territory=territory)
        observations = observations.filter(territory=territory)
    per_place = dict(
        encounters.values("place_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("place_id", "n")
    )
    anonymous = dict(
        AnonymousCount.objects.filter(encounter__in=encounters.values("pk"))
        .values("encounter__place_id")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("encounter__place_id", "n")
    )
    named = dict(
        Encounter.persons.through.objects.filter(encounter__in=encounters.values("pk"))
        .values("encounter__place_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("encounter__place_id", "n")
    )
    observed = dict(
        observations.values("place_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("place_id", "n")
    )
    result = []
    for place in places.order_by("name", "pk"):
        place.encounter_count = per_place.get(place.pk, 0)
        place.people_count = anonymous.get(place.pk, 0) + named.get(place.pk, 0)
        place.observation_count = observed.get(place.pk, 0)
        place.active_in_period = bool(place.encounter_count or place.observation_count)
        if place.archived_at is None or place.active_in_period:
            result.append(place)
    return result


@dataclass
class PlaceFigures:
    period: Period
    encounters: int
    people: PeopleTable


def place_figures(user, place, period: Period) -> PlaceFigures:
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(place=place, occurred_at__gte=period.since, occurred_at__lt=period.until)
    )
    return PlaceFigures(
        period=period, encounters=encounters.count(), people=_people_table(encounters, period)
    )


# All neighbourhoods -------------------------------------------------------------------------


def overview(user, territories, period: Period) -> list:
    """Each neighbourhood with its figures over the period: hours and sessions of presence,
    encounters, people met, observations (one grouped query each)."""
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(occurred_at__gte=period.since, occurred_at__lt=period.until)
        .filter(territory__isnull=False)
    )
    per_territory = dict(
        encounters.values("territory_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("territory_id", "n")
    )
    anonymous = dict(
        AnonymousCount.objects.filter(encounter__in=encounters.values("pk"))
        .values("encounter__territory_id")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("encounter__territory_id", "n")
    )
    named = dict(
        Encounter.persons.through.objects.filter(encounter__in=encounters.values("pk"))
        .values("encounter__territory_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("encounter__territory_id", "n")
    )
    presences = {
        row["territory_id"]: row
        for row in Presence.objects.visible_to(user)
        .active()
        .filter(started_at__gte=period.since, started_at__lt=period.until)
        .filter(ended_at__isnull=False, territory__isnull=False)
        .values("territory_id")
        .annotate(
            n=Count("pk"),
            duration=Sum(
                ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
            ),
        )
        .order_by()
    }
    observed = dict(
        Observation.objects.visible_to(user)
        .active()
        .filter(observed_at__gte=period.since, observed_at__lt=period.until)
        .filter(territory__isnull=False)
        .values("territory_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("territory_id", "n")
    )
    result = []
    for territory in territories:
        presence = presences.get(territory.pk)
        duration = (presence or {}).get("duration") or datetime.timedelta()
        territory.presence_count = presence["n"] if presence else 0
        territory.presence_hours = round(duration.total_seconds() / 3600, 1)
        territory.encounter_count = per_territory.get(territory.pk, 0)
        territory.people_count = anonymous.get(territory.pk, 0) + named.get(territory.pk, 0)
        territory.observation_count = observed.get(territory.pk, 0)
        result.append(territory)
    return result


# The weekly chart --------------------------------------------------------------------------

CHART_WIDTH = 320
CHART_HEIGHT = 160
LABEL_ROOM = 20  # below the bars, for dates
TOP_ROOM = 14  # above the highest bar, for the scale


@dataclass
class Bar:
    week: Week
    x: float
    y: float
    width: float
    height: float
    label_x: float
    labelled: bool


def week_bars(weeks: list[Week]) -> tuple[list[Bar], int]:
    """Bars of an SVG chart drawn by the server (encounters per week), and the top of the
    scale. At most about eight weeks carry a date label, so labels never overlap."""
    top = max((w.count for w in weeks), default=0) or 1
    plot = CHART_HEIGHT - LABEL_ROOM - TOP_ROOM
    slot = CHART_WIDTH / max(len(weeks), 1)
    width = max(slot * 0.7, 1)
    base = CHART_HEIGHT - LABEL_ROOM
    every = max(1, -(-len(weeks) // 8))
    bars = []
    for index, week in enumerate(weeks):
        height = plot * week.count / top
        x = index * slot + (slot - width) / 2
        bars.append(
            Bar(
                week=week,
                x=round(x, 1),
                y=round(base - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(x + width / 2, 1),
                labelled=index % every == 0,
            )
        )
    return bars, top
