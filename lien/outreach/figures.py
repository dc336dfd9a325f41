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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lien.outreach.models import (
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
    Territory,
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


def _people_rows(encounters, *, by: str = ""):
    """Two grouped queries over `encounters`: anonymous counts by age band, gender and new;
    named people by birth year and gender — each also by `by` (a field of the encounter, such
    as "place_id") when given, so one scan serves a page's totals and its breakdown.

    Each reads the encounters joined to their counts (or people): one pass from the
    encounters' index, where "counts of the encounters in (…)" also joined back to the
    encounter for `by` (twice the time at bench scale 100)."""
    extra = [by] if by else []
    anonymous = (
        encounters.filter(counts__count__gt=0)
        .values(
            *extra,
            age_band=F("counts__age_band"),
            gender=F("counts__gender"),
            is_new=F("counts__is_new"),
        )
        .annotate(n=Sum("counts__count"))
        .order_by()
    )
    named = (
        encounters.filter(persons__isnull=False)
        .values(*extra, birth_year=F("persons__birth_year"), person_gender=F("persons__gender"))
        .annotate(n=Count("persons"))
        .order_by()
    )
    return list(anonymous), list(named)


def _people_table(anonymous, named, period: Period) -> PeopleTable:
    table = PeopleTable()
    for row in anonymous:
        table.add(row["age_band"], row["gender"], row["n"])
        table.anonymous += row["n"]
        if row["is_new"]:
            table.anonymous_new += row["n"]
    for row in named:
        year = row["birth_year"]
        band = band_of_age(period.end.year - year if year else None)
        table.add(band, PERSON_GENDER.get(row["person_gender"], "?"), row["n"])
        table.named += row["n"]
    return table


def _sum_by(rows, key: str) -> dict:
    totals: dict = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["n"]
    return totals


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


def _choices_rows(totals: dict, choices) -> list[dict]:
    labels = dict(choices)
    return [
        {"code": code, "label": labels.get(code, code), "count": n}
        for code, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]


def _duration():
    return Sum(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField()))


def _hours(duration) -> float:
    return round((duration or datetime.timedelta()).total_seconds() / 3600, 1)


def territory_encounters(user, territory, period: Period):
    return (
        Encounter.objects.visible_to(user)
        .active()
        .filter(territory=territory, occurred_at__gte=period.since, occurred_at__lt=period.until)
    )


def territory_figures(user, territory, period: Period) -> TerritoryFigures:
    """A neighbourhood over a period, for the user's teams, in nine grouped queries: the
    encounters by day and place, their anonymous counts and named people (each by place too),
    themes, presence hours, observations by category and place, mediations, visits, places."""
    encounters = territory_encounters(user, territory, period)
    # Encounters per week and place: one conditional count per week (plain comparisons on the
    # indexed time, no per-row date function), weeks starting on Brussels Mondays.
    mondays = period.weeks()
    per_place_week = list(
        encounters.values("place_id")
        .annotate(
            **{
                f"week_{index}": Count(
                    "pk",
                    filter=Q(
                        occurred_at__gte=_midnight(monday),
                        occurred_at__lt=_midnight(monday + datetime.timedelta(days=7)),
                    ),
                )
                for index, monday in enumerate(mondays)
            },
            n=Count("pk"),
        )
        .order_by()
    )
    weeks = [
        Week(monday, sum(row[f"week_{index}"] for row in per_place_week))
        for index, monday in enumerate(mondays)
    ]
    anonymous, named = _people_rows(encounters, by="place_id")

    themes = list(
        encounters.filter(themes__isnull=False)
        .values(
            theme_pk=F("themes__id"),
            code=F("themes__code"),
            label_fr=F("themes__label_fr"),
            label_nl=F("themes__label_nl"),
            label_en=F("themes__label_en"),
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "theme_pk")[:TOP_THEMES]
    )
    top_themes = [
        {
            "theme": Theme(
                pk=row["theme_pk"],
                code=row["code"],
                label_fr=row["label_fr"],
                label_nl=row["label_nl"],
                label_en=row["label_en"],
            ),
            "count": row["n"],
        }
        for row in themes
    ]

    presence = (
        Presence.objects.visible_to(user)
        .active()
        .filter(territory=territory, started_at__gte=period.since, started_at__lt=period.until)
        .filter(ended_at__isnull=False)
        .aggregate(n=Count("pk"), duration=_duration())
    )
    # Observations and mediations carry their place's neighbourhood (their services set it).
    observed = list(
        Observation.objects.visible_to(user)
        .active()
        .filter(territory=territory, observed_at__gte=period.since, observed_at__lt=period.until)
        .values("category", "place_id")
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
    places = _with_counts(
        Place.objects.visible_to(user).filter(territory=territory),
        encounters=_sum_by(per_place_week, "place_id"),
        people=_sum_by(anonymous, "place_id"),
        named=_sum_by(named, "place_id"),
        observations=_sum_by(observed, "place_id"),
    )
    return TerritoryFigures(
        period=period,
        presences=presence["n"],
        presence_hours=_hours(presence["duration"]),
        encounters=sum(row["n"] for row in per_place_week),
        people=_people_table(anonymous, named, period),
        weeks=weeks,
        themes=top_themes,
        observations=_choices_rows(_sum_by(observed, "category"), Observation.Category.choices),
        mediations=_choices_rows(_sum_by(mediations, "nature"), Mediation.Nature.choices),
        passages=passages["n"],
        passages_named=passages["named"],
        places=places,
    )


# Places --------------------------------------------------------------------------------


def _with_counts(places, *, encounters, people, named, observations) -> list[Place]:
    """The places (live ones, and archived ones with activity in the period), each with
    `encounter_count`, `people_count` (anonymous + named) and `observation_count`."""
    result = []
    for place in places.select_related("territory").order_by("name", "pk"):
        place.encounter_count = encounters.get(place.pk, 0)
        place.people_count = people.get(place.pk, 0) + named.get(place.pk, 0)
        place.observation_count = observations.get(place.pk, 0)
        place.active_in_period = bool(place.encounter_count or place.observation_count)
        if place.archived_at is None or place.active_in_period:
            result.append(place)
    return result


def places_with_counts(user, period: Period) -> list[Place]:
    """Every place the user sees with its figures over the period (the map): five queries
    whatever the number of places."""
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(occurred_at__gte=period.since, occurred_at__lt=period.until, place__isnull=False)
    )
    places = Place.objects.visible_to(user)
    observations = (
        Observation.objects.visible_to(user)
        .active()
        # By neighbourhood: read from the (territory, time) index, not the organisation's.
        .filter(
            territory_id__in=list(Territory.objects.visible_to(user).values_list("pk", flat=True))
        )
        .filter(observed_at__gte=period.since, observed_at__lt=period.until, place__isnull=False)
    )
    return _with_counts(
        places,
        encounters=dict(
            encounters.values("place_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("place_id", "n")
        ),
        people=_grouped_sum(
            encounters.filter(counts__count__gt=0), "place_id", Sum("counts__count")
        ),
        named=_grouped_sum(encounters.filter(persons__isnull=False), "place_id", Count("persons")),
        observations=_grouped_sum(observations, "place_id", Count("pk")),
    )


def _grouped_sum(queryset, key: str, aggregate) -> dict:
    return dict(queryset.values(key).annotate(n=aggregate).order_by().values_list(key, "n"))


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
    anonymous, named = _people_rows(encounters)
    return PlaceFigures(
        period=period,
        encounters=encounters.count(),
        people=_people_table(anonymous, named, period),
    )


# All neighbourhoods -------------------------------------------------------------------------


def overview(user, territories, period: Period) -> list:
    """Each neighbourhood with its figures over the period: hours and sessions of presence,
    encounters, people met, observations (one grouped query each)."""
    territories = list(territories)
    ids = [territory.pk for territory in territories]
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(territory_id__in=ids, occurred_at__gte=period.since, occurred_at__lt=period.until)
    )
    per_territory = _grouped_sum(encounters, "territory_id", Count("pk"))
    anonymous = _grouped_sum(
        encounters.filter(counts__count__gt=0), "territory_id", Sum("counts__count")
    )
    named = _grouped_sum(encounters.filter(persons__isnull=False), "territory_id", Count("persons"))
    presences = {
        row["territory_id"]: row
        for row in Presence.objects.visible_to(user)
        .active()
        .filter(territory_id__in=ids, started_at__gte=period.since, started_at__lt=period.until)
        .filter(ended_at__isnull=False)
        .values("territory_id")
        .annotate(n=Count("pk"), duration=_duration())
        .order_by()
    }
    observed = _grouped_sum(
        Observation.objects.visible_to(user)
        .active()
        .filter(territory_id__in=ids, observed_at__gte=period.since, observed_at__lt=period.until),
        "territory_id",
        Count("pk"),
    )
    for territory in territories:
        presence = presences.get(territory.pk) or {"n": 0, "duration": None}
        territory.presence_count = presence["n"]
        territory.presence_hours = _hours(presence["duration"])
        territory.encounter_count = per_territory.get(territory.pk, 0)
        territory.people_count = anonymous.get(territory.pk, 0) + named.get(territory.pk, 0)
        territory.observation_count = observed.get(territory.pk, 0)
    return territories


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
