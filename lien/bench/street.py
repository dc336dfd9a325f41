"""Street work in the bench organisations, over the last STREET_YEARS: street-work teams (each
following a share of the people), the Molenbeek neighbourhoods with their places, themes,
presences in the field, encounters (anonymous counts by age band and gender, themes, some
named people), drop-in passages, observations and mediations, each with the audit event its
service writes. Volumes: `generator.street_sizes`.

These steps were appended to bench databases generated before them (see `generator`): each
reads what it needs from the database (`load_accounts`, `_street`), never from what earlier
steps of the same run left in the context.

The bench social worker works in the busiest street-work team and has a presence under way,
as a worker opening the encounter form in the street would.
"""

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Value
from django.utils import timezone

from lien.accounts.models import Organisation, Role, Team, TeamMembership
from lien.audit.models import AuditEvent
from lien.bench import data
from lien.bench.generator import (
    BATCH_SIZE,
    DESIGNATED_ROLES,
    IPS,
    SEED,
    Context,
    StreetSizes,
    _between,
    _event,
    _pick,
    _uuid,
    _weighted,
    bench_email,
    load_accounts,
    step,
)
from lien.casework.models import FollowUp
from lien.core import crypto
from lien.outreach.models import (
    AnonymousCount,
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
    Territory,
    Theme,
)
from lien.outreach.vocabulary import seed_molenbeek, seed_vocabulary
from lien.people.models import Person

STREET_YEARS = 2
STREET_TEAM_PREFIX = "Équipe de rue"
# Who goes out in the field: the roles that record encounters.
STREET_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.FIELD_VOLUNTEER})
# The share of an organisation's people the street-work teams follow (and meet by name).
FOLLOWED_SHARE = 0.15
# Distinct texts, each encrypted once, shared by many records (as the journal's notes).
TEXTS = 200


@dataclass
class Street:
    """An organisation's street work as the database holds it, for the steps after the teams."""

    organisation: Organisation
    sizes: StreetSizes
    teams: list[int]  # street-work teams, in creation order: the first is the busiest
    cum_weights: list[float]  # how much each team goes out, cumulated
    workers: dict[int, list[int]]  # team → the users who go out with it
    territories: list[int]
    places: dict[int, list[int]]  # neighbourhood → its places
    themes: list[int]
    followed: dict[int, list[int]]  # team → the people it follows
    home: dict[int, int] = field(default_factory=dict)  # team → its usual neighbourhood

    def team(self, rng: random.Random) -> int:
        return rng.choices(self.teams, cum_weights=self.cum_weights)[0]


def _team_weights(count: int) -> list[float]:
    """Some teams go out far more than others; the first one (the bench social worker's) is
    the busiest. Derived from the team's rank, so every step finds the same weights."""
    weights = [
        random.Random(f"{SEED}:street team {i}").lognormvariate(0, 0.5) for i in range(count)
    ]
    if weights:
        weights[0] = max(weights) * 1.2
    return weights


def _street(ctx: Context) -> Iterator[Street]:
    """Each organisation's street work (ours, then the other one), read from the database."""
    load_accounts(ctx)
    for organisation, volumes in (
        (ctx.organisation, ctx.sizes.street),
        (ctx.other_organisation, ctx.sizes.other_street),
    ):
        teams = list(
            Team.objects.filter(organisation=organisation, name__startswith=STREET_TEAM_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        workers: dict[int, list[int]] = {team: [] for team in teams}
        memberships = TeamMembership.objects.filter(team_id__in=teams).order_by(
            "team_id", "user_id"
        )
        for team_id, user_id in memberships.values_list("team_id", "user_id"):
            if set(ctx.roles.get(user_id, ())) & STREET_ROLES:
                workers[team_id].append(user_id)
        territories = list(
            Territory.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        places: dict[int, list[int]] = {territory: [] for territory in territories}
        rows = Place.objects.filter(organisation=organisation).order_by("pk")
        for pk, territory_id in rows.values_list("pk", "territory_id"):
            places[territory_id].append(pk)
        themes = Theme.objects.filter(organisation=organisation).order_by("position", "pk")
        followed: dict[int, list[int]] = {team: [] for team in teams}
        follow_ups = FollowUp.objects.filter(team_id__in=teams, ended_on__isnull=True)
        for team_id, person_id in follow_ups.order_by("team_id", "person_id").values_list(
            "team_id", "person_id"
        ):
            followed[team_id].append(person_id)
        street = Street(
            organisation=organisation,
            sizes=volumes,
            teams=teams,
            cum_weights=list(itertools.accumulate(_team_weights(len(teams)))),
            workers=workers,
            territories=territories,
            places=places,
            themes=list(themes.values_list("pk", flat=True)),
            followed=followed,
        )
        if territories:
            street.home = {team: territories[i % len(territories)] for i, team in enumerate(teams)}
        yield street


def _window(ctx: Context) -> tuple[datetime, datetime]:
    return ctx.now - timedelta(days=365 * STREET_YEARS), ctx.now


def _tokens(rng: random.Random, sentences: tuple[str, ...]) -> list[Value]:
    """TEXTS distinct texts of one to three sentences, each encrypted once, inserted as is."""
    tokens = []
    for _ in range(TEXTS):
        text = " ".join(rng.sample(sentences, rng.choice((1, 1, 2, 3))))
        tokens.append(Value(crypto.encrypt(text), output_field=models.TextField()))
    return tokens


def _admin(ctx: Context, organisation: Organisation) -> int:
    admins = [
        user.pk
        for user in (ctx.users if organisation == ctx.organisation else ctx.other_users)
        if Role.ADMIN in ctx.roles.get(user.pk, ())
    ]
    return admins[0]


# Teams, memberships and the people they follow.


@step
@transaction.atomic
def street_teams(ctx: Context, scale: float, rng: random.Random) -> None:
    """Street-work teams, the users who go out with them (the bench social worker in the first
    one, the busiest) and a share of the people they follow, with their audit events."""
    load_accounts(ctx)
    for organisation, users, volumes, other in (
        (ctx.organisation, ctx.users, ctx.sizes.street, False),
        (ctx.other_organisation, ctx.other_users, ctx.sizes.other_street, True),
    ):
        admin = _admin(ctx, organisation)
        teams = Team.objects.bulk_create(
            Team(
                public_id=_uuid(rng),
                organisation=organisation,
                name=f"{STREET_TEAM_PREFIX} {index + 1:02d}",
                description="Présence de rue, accroche des jeunes de 15 à 25 ans",
                created_at=ctx.now - timedelta(days=rng.randrange(2 * 365, 6 * 365)),
            )
            for index in range(volumes.teams)
        )
        events = [
            _event(
                rng, organisation, team.created_at, admin, "team.created", "accounts.team",
                str(team.public_id), ("name", "description"),
            )
            for team in teams
        ]  # fmt: skip
        # Those who go out: not the designated users, who keep the teams the existing
        # scenarios expect, except the social worker (in the first street-work team).
        designated = {bench_email(role, other=other) for role in DESIGNATED_ROLES}
        goers = [
            user.pk
            for user in users
            if set(ctx.roles.get(user.pk, ())) & STREET_ROLES and user.email not in designated
        ]
        social_worker = next(
            u.pk for u in users if u.email == bench_email(Role.SOCIAL_WORKER, other=other)
        )
        members: dict[int, set[int]] = {team.pk: set() for team in teams}
        members[teams[0].pk].add(social_worker)
        if not goers:  # a tiny organisation: its social worker goes out with every team
            for team_members in members.values():
                team_members.add(social_worker)
        for team in teams:
            if goers:
                members[team.pk].update(rng.sample(goers, min(len(goers), rng.randint(3, 7))))
        TeamMembership.objects.bulk_create(
            TeamMembership(organisation=organisation, team_id=team_id, user_id=user_id)
            for team_id, team_members in members.items()
            for user_id in sorted(team_members)
        )
        for team in teams:
            events.append(
                _event(
                    rng, organisation, team.created_at, admin, "team.changed", "accounts.team",
                    str(team.public_id), ("members",),
                )
            )  # fmt: skip
        # The people each team follows: among the active ones, a share of the organisation.
        people = list(
            Person.objects.filter(organisation=organisation, status=Person.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "created_at")
        )
        per_team = max(1, round(FOLLOWED_SHARE * len(people) / max(1, len(teams))))
        follow_ups = []
        for team in teams:
            workers = sorted(members[team.pk])
            for person_id, created_at in rng.sample(people, min(len(people), per_team)):
                started = _between(rng, max(created_at, ctx.now - timedelta(days=365 * 3)), ctx.now)
                follow_ups.append(
                    FollowUp(
                        public_id=_uuid(rng),
                        organisation_id=organisation.pk,
                        person_id=person_id,
                        team_id=team.pk,
                        started_on=started.date(),
                        reason="Rencontré en rue",
                        created_at=started,
                        created_by_id=rng.choice(workers),
                    )
                )
        for follow_up in follow_ups:
            events.append(
                _event(
                    rng, organisation, follow_up.created_at, follow_up.created_by_id,
                    "follow_up.opened", "casework.followup", str(follow_up.public_id), ("team",),
                )
            )  # fmt: skip
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH_SIZE)
        AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


# Neighbourhoods, places and themes.

PLACE_KINDS = _weighted(
    (
        (Place.Kind.STREET, 40),
        (Place.Kind.SQUARE, 12),
        (Place.Kind.SHOP, 15),
        (Place.Kind.SCHOOL, 10),
        (Place.Kind.SPORTS, 10),
        (Place.Kind.PARK, 8),
        (Place.Kind.OTHER, 5),
    )
)
PLACE_NAMES = {
    Place.Kind.STREET: "{street} {number}",
    Place.Kind.SQUARE: "Placette {street}",
    Place.Kind.SHOP: "Snack {street} {number}",
    Place.Kind.SCHOOL: "Abords école {street}",
    Place.Kind.SPORTS: "Agora {street}",
    Place.Kind.PARK: "Square {street}",
    Place.Kind.OTHER: "Local {street} {number}",
}


@step
@transaction.atomic
def street_places(ctx: Context, scale: float, rng: random.Random) -> None:
    """The Molenbeek neighbourhoods and places as the demo seeds them, more places up to the
    volume (each with the event of its creation), and the street-work themes."""
    load_accounts(ctx)
    for organisation, volumes in (
        (ctx.organisation, ctx.sizes.street),
        (ctx.other_organisation, ctx.sizes.other_street),
    ):
        seed_molenbeek(organisation=organisation)
        seed_vocabulary(organisation=organisation)
        territories = list(Territory.objects.filter(organisation=organisation).order_by("pk"))
        taken = set(
            Place.objects.filter(organisation=organisation).values_list("territory_id", "name")
        )
        admin = _admin(ctx, organisation)
        places = []
        while len(taken) < volumes.places:
            territory = rng.choice(territories)
            kind = _pick(rng, PLACE_KINDS)
            street = rng.choice(data.STREETS)
            name = PLACE_NAMES[kind].format(street=street, number=rng.randint(1, 180))
            if (territory.pk, name) in taken:
                continue
            taken.add((territory.pk, name))
            places.append(
                Place(
                    public_id=_uuid(rng),
                    organisation=organisation,
                    territory=territory,
                    name=name,
                    kind=kind,
                    created_at=ctx.now - timedelta(days=rng.randrange(365 * STREET_YEARS, 365 * 4)),
                )
            )
        Place.objects.bulk_create(places)
        AuditEvent.objects.bulk_create(
            _event(
                rng, organisation, place.created_at, admin, "place.created", "outreach.place",
                str(place.public_id), ("name", "kind", "territory"),
            )
            for place in places
        )  # fmt: skip


# Presences.


@dataclass(slots=True)
class PresencePlan:
    pk: int
    team: int
    started: datetime
    ended: datetime  # now for the presence under way
    territory: int
    places: list[int]
    workers: list[int]


def _presence_times(ctx: Context, rng: random.Random) -> tuple[datetime, datetime]:
    """An afternoon or evening in the field, more of them recent, ended before now."""
    start, end = _window(ctx)
    while True:
        day = timezone.localtime(_between(rng, start, end, recent=0.85))
        started = day.replace(hour=rng.randint(12, 19), minute=rng.choice((0, 15, 30, 45)))
        ended = started + timedelta(minutes=rng.randint(90, 240))
        if ended <= ctx.now:
            return started, ended


@step
def presences(ctx: Context, scale: float, rng: random.Random) -> None:
    """Presences of each street-work team, mostly in its neighbourhood, with workers and
    places visited, ended (atmosphere, some with a logbook); the bench social worker's team
    has one under way."""
    atmospheres = data.ATMOSPHERES
    logbooks = _tokens(rng, data.LOGBOOK_SENTENCES)
    for street in _street(ctx):
        organisation = street.organisation
        social_worker = None
        if organisation == ctx.organisation:
            social_worker = next(
                u.pk for u in ctx.users if u.email == bench_email(Role.SOCIAL_WORKER)
            )
        total = street.sizes.presences
        label = f"presences of {organisation.name}"
        made = 0
        for length in ctx.batches(label, total):
            rows, workers_of, places_of = [], [], []
            for _ in range(length):
                made += 1
                under_way = social_worker is not None and made == total
                team = street.teams[0] if under_way else street.team(rng)
                territory = street.home[team]
                if rng.random() < 0.2:
                    territory = rng.choice(street.territories)
                if under_way:
                    started, ended = ctx.now - timedelta(minutes=50), None
                else:
                    started, ended = _presence_times(ctx, rng)
                crew = street.workers[team]
                workers = rng.sample(crew, min(len(crew), rng.choice((2, 2, 3))))
                if under_way and social_worker not in workers:
                    workers[0] = social_worker
                candidates = street.places[territory]
                places = rng.sample(candidates, min(len(candidates), rng.choice((1, 2, 2, 3))))
                ending = ended is not None
                rows.append(
                    Presence(
                        public_id=_uuid(rng),
                        organisation_id=organisation.pk,
                        team_id=team,
                        date=timezone.localdate(started),
                        started_at=started,
                        ended_at=ended,
                        territory_id=territory,
                        atmosphere=rng.choice(atmospheres) if ending and rng.random() < 0.6 else "",
                        logbook=rng.choice(logbooks) if ending and rng.random() < 0.4 else "",
                        created_at=started,
                        created_by_id=workers[0],
                    )
                )
                workers_of.append(sorted(set(workers)))
                places_of.append(places)
            with transaction.atomic():
                Presence.objects.bulk_create(rows)
                Presence.workers.through.objects.bulk_create(
                    Presence.workers.through(presence_id=row.pk, user_id=user_id)
                    for row, workers in zip(rows, workers_of, strict=True)
                    for user_id in workers
                )
                Presence.places.through.objects.bulk_create(
                    Presence.places.through(presence_id=row.pk, place_id=place_id)
                    for row, places in zip(rows, places_of, strict=True)
                    for place_id in places
                )
                events = []
                for row in rows:
                    events.append(
                        _event(
                            rng, organisation, row.started_at, row.created_by_id,
                            "presence.started", "outreach.presence", str(row.public_id),
                            ("team", "territory", "places", "workers", "started_at"),
                        )
                    )  # fmt: skip
                    if row.ended_at:
                        given = {"atmosphere": row.atmosphere, "logbook": row.logbook}
                        fields = ["ended_at"] + [name for name, value in given.items() if value]
                        events.append(
                            _event(
                                rng, organisation, row.ended_at, row.created_by_id,
                                "presence.ended", "outreach.presence", str(row.public_id),
                                tuple(fields),
                            )
                        )  # fmt: skip
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _presences(ctx: Context, organisation: Organisation) -> list[PresencePlan]:
    """The organisation's presences, read back with their workers and places."""
    rows = Presence.objects.filter(organisation=organisation).order_by("pk")
    workers: dict[int, list[int]] = {}
    through = Presence.workers.through.objects.filter(presence__organisation=organisation)
    for presence_id, user_id in through.order_by("presence_id", "user_id").values_list(
        "presence_id", "user_id"
    ):
        workers.setdefault(presence_id, []).append(user_id)
    places: dict[int, list[int]] = {}
    through = Presence.places.through.objects.filter(presence__organisation=organisation)
    for presence_id, place_id in through.order_by("presence_id", "place_id").values_list(
        "presence_id", "place_id"
    ):
        places.setdefault(presence_id, []).append(place_id)
    return [
        PresencePlan(
            pk=pk,
            team=team_id,
            started=started_at,
            ended=min(ended_at or ctx.now, ctx.now),
            territory=territory_id,
            places=places.get(pk, []),
            workers=workers.get(pk, []),
        )
        for pk, team_id, started_at, ended_at, territory_id in rows.values_list(
            "pk", "team_id", "started_at", "ended_at", "territory_id"
        )
    ]


# Encounters.

ENCOUNTER_KINDS_IN_THE_FIELD = _weighted(
    ((Encounter.Kind.STREET, 88), (Encounter.Kind.ACCOMPANIMENT, 8), (Encounter.Kind.RECEPTION, 4))
)
ENCOUNTER_KINDS_ELSEWHERE = _weighted(
    ((Encounter.Kind.PHONE, 50), (Encounter.Kind.RECEPTION, 35), (Encounter.Kind.ACCOMPANIMENT, 15))
)
# Street work meets mostly young men (DOMAIN.md §6: 15–25).
AGE_BANDS = {"lt15": 8, "15-17": 28, "18-21": 32, "22-25": 20, "gt25": 12}
GENDERS = _weighted(
    (
        (Encounter.Gender.MALE, 68),
        (Encounter.Gender.FEMALE, 27),
        (Encounter.Gender.OTHER, 1),
        (Encounter.Gender.UNKNOWN, 4),
    )
)
GROUP_SIZES = _weighted(((1, 40), (2, 25), (3, 15), (4, 9), (5, 6), (6, 3), (8, 2)))
NAMED_SHARE = 0.15


def _age_bands() -> tuple[list[str], list[float]]:
    """The configured bands, weighted as street work meets them (other bands: rarely)."""
    codes = [code for code, _label in settings.LIEN_OUTREACH_AGE_BANDS]
    return codes, list(itertools.accumulate(AGE_BANDS.get(code, 2) for code in codes))


def _cells(rng: random.Random, bands) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        cell = (_pick(rng, bands), _pick(rng, GENDERS))
        cells[cell] = cells.get(cell, 0) + int(_pick(rng, GROUP_SIZES))
    return cells


ENCOUNTER_COLUMNS = (
    "public_id", "organisation", "team", "presence", "place", "territory", "occurred_at", "kind",
    "note", "follow_up_needed", "client_token", "version", "created_at", "created_by",
)  # fmt: skip
COUNT_COLUMNS = ("organisation", "encounter", "age_band", "gender", "count", "is_new")
EVENT_COLUMNS = (
    "public_id", "occurred_at", "organisation", "actor", "action", "object_type", "object_id",
    "fields", "ip", "request_id",
)  # fmt: skip


def _event_row(
    rng: random.Random,
    organisation_id: int,
    when: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    fields: list[str],
) -> tuple:
    """`_event` as a row for `_insert`."""
    return (
        _uuid(rng), when, organisation_id, actor_id, action, object_type, object_id,
        sorted(fields), rng.choice(IPS), f"{rng.getrandbits(128):032x}",
    )  # fmt: skip


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert `rows` (values in the order of `columns`, field names) with plain multi-row
    INSERTs, and return their primary keys in order. At a million encounters, bulk_create's
    model instances and per-field preparation cost more than the database's work; this only
    adapts the values that need it (UUIDs, dates, JSON, IP addresses) for the backend."""
    fields = [model._meta.get_field(name) for name in columns]
    adapt = [_adapter(field) for field in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    limit = connection.features.max_query_params or 65_535
    per_statement = max(1, min(1_000, limit // len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([one] * len(chunk))
            params = [
                convert(value) if convert else value
                for row in chunk
                for value, convert in zip(row, adapt, strict=True)
            ]
            # Names from the model's metadata, values as parameters.
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            sql = f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk}"  # noqa: S608
            cursor.execute(sql, params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _adapter(field):
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "UUIDField":
        return (lambda value: value.hex) if connection.vendor == "sqlite" else None
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "GenericIPAddressField":
        return ops.adapt_ipaddressfield_value
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return None


@step
def encounters(ctx: Context, scale: float, rng: random.Random) -> None:
    """Encounters, most during a presence (at one of its places, by one of its workers), the
    others by phone or at the office; anonymous counts by age band and gender, some people met
    by name (followed by the team), themes, a short note now and then. Written with `_insert`
    (a million of them at scale 100, with their counts, themes and audit events)."""
    notes = [token.value for token in _tokens(rng, data.ENCOUNTER_NOTES)]
    bands = _age_bands()
    for street in _street(ctx):
        organisation = street.organisation.pk
        plans = _presences(ctx, street.organisation)
        # A few themes come up far more often than others.
        theme_weights = list(
            itertools.accumulate(1 / (rank + 1) for rank in range(len(street.themes)))
        )
        label = f"encounters of {street.organisation.name}"
        for length in ctx.batches(label, street.sizes.encounters):
            rows, named, cells_of, themes_of, events = [], [], [], [], []
            for _ in range(length):
                presence = None
                if rng.random() < 0.9:
                    presence = rng.choice(plans)
                    team = presence.team
                    occurred = _between(rng, presence.started, presence.ended)
                    place = None
                    if presence.places and rng.random() < 0.92:
                        place = rng.choice(presence.places)
                    territory = presence.territory
                    author = rng.choice(presence.workers)
                    kind = _pick(rng, ENCOUNTER_KINDS_IN_THE_FIELD)
                else:
                    team = street.team(rng)
                    start, end = _window(ctx)
                    occurred = _between(rng, start, end, recent=0.85)
                    # As the service does: the place's neighbourhood, else the presence's.
                    territory = place = None
                    author = rng.choice(street.workers[team])
                    kind = _pick(rng, ENCOUNTER_KINDS_ELSEWHERE)
                persons = []
                known = street.followed[team]
                if known and rng.random() < NAMED_SHARE:
                    persons = rng.sample(known, min(len(known), rng.choice((1, 1, 1, 1, 2))))
                cells = {} if persons and rng.random() < 0.7 else _cells(rng, bands)
                themes = []
                if rng.random() < 0.55:
                    picked = rng.choices(
                        street.themes, cum_weights=theme_weights, k=rng.choice((1, 1, 2, 3))
                    )
                    themes = sorted(set(picked))
                note = rng.choice(notes) if rng.random() < 0.25 else ""
                # A follow-up on named people opens procedures (the service); the bench keeps
                # it to anonymous encounters, where the flag stays on the encounter.
                follow_up = not persons and rng.random() < 0.03
                created = min(ctx.now, occurred + timedelta(minutes=rng.randint(0, 30)))
                public_id = _uuid(rng)
                presence_id = presence.pk if presence else None
                rows.append(
                    (
                        public_id, organisation, team, presence_id, place, territory, occurred,
                        kind, note, follow_up, _uuid(rng), 1, created, author,
                    )
                )  # fmt: skip
                named.append(persons)
                cells_of.append((cells, rng.random() < 0.12))
                themes_of.append(themes)
                # The fields the service names: those given, then people, counts, themes.
                given = (
                    ("team", team), ("occurred_at", occurred), ("kind", kind),
                    ("presence", presence_id), ("place", place), ("note", note),
                    ("follow_up_needed", follow_up), ("persons", persons), ("counts", cells),
                    ("themes", themes),
                )  # fmt: skip
                events.append(
                    _event_row(
                        rng, organisation, created, author, "encounter.recorded",
                        "outreach.encounter", str(public_id),
                        [name for name, value in given if value],
                    )
                )  # fmt: skip
            with transaction.atomic():
                ids = _insert(Encounter, ENCOUNTER_COLUMNS, rows)
                _insert(
                    Encounter.persons.through,
                    ("encounter", "person"),
                    [
                        (pk, person)
                        for pk, persons in zip(ids, named, strict=True)
                        for person in persons
                    ],
                )
                _insert(
                    Encounter.themes.through,
                    ("encounter", "theme"),
                    [
                        (pk, theme)
                        for pk, themes in zip(ids, themes_of, strict=True)
                        for theme in themes
                    ],
                )
                _insert(
                    AnonymousCount,
                    COUNT_COLUMNS,
                    [
                        (organisation, pk, band, gender, count, is_new)
                        for pk, (cells, is_new) in zip(ids, cells_of, strict=True)
                        for (band, gender), count in cells.items()
                    ],
                )
                _insert(AuditEvent, EVENT_COLUMNS, events)


# Passages, observations, mediations.

PASSAGE_SERVICES = _weighted(
    (
        (Passage.Service.RECEPTION, 40),
        (Passage.Service.DRINK_MEAL, 25),
        (Passage.Service.PHONE_INTERNET, 12),
        (Passage.Service.ADMIN, 10),
        (Passage.Service.ORIENTATION, 8),
        (Passage.Service.SHOWER, 2),
        (Passage.Service.LAUNDRY, 2),
        (Passage.Service.OTHER, 1),
    )
)


@step
def passages(ctx: Context, scale: float, rng: random.Random) -> None:
    """Drop-in visits at each team's usual place, named (people the team follows) or
    anonymous (age band and gender), with the services given."""
    bands = _age_bands()
    start, end = _window(ctx)
    for street in _street(ctx):
        organisation = street.organisation
        drop_in = {team: (street.places[street.home[team]] or [None])[0] for team in street.teams}
        label = f"passages of {organisation.name}"
        for length in ctx.batches(label, street.sizes.passages):
            rows, events = [], []
            for _ in range(length):
                team = street.team(rng)
                day = timezone.localtime(_between(rng, start, end, recent=0.85))
                occurred = day.replace(hour=rng.randint(9, 16), minute=rng.randrange(60))
                occurred = min(occurred, ctx.now)
                person = None
                if street.followed[team] and rng.random() < 0.3:
                    person = rng.choice(street.followed[team])
                services = sorted({_pick(rng, PASSAGE_SERVICES) for _ in range(rng.randint(1, 3))})
                row = Passage(
                    public_id=_uuid(rng),
                    organisation_id=organisation.pk,
                    team_id=team,
                    occurred_at=occurred,
                    place_id=drop_in[team],
                    person_id=person,
                    age_band="" if person else _pick(rng, bands),
                    gender="" if person else _pick(rng, GENDERS),
                    services=services,
                    client_token=_uuid(rng),
                    created_at=occurred,
                    created_by_id=rng.choice(street.workers[team]),
                )
                rows.append(row)
                given = {"person": person, "age_band": row.age_band, "gender": row.gender}
                fields = ["occurred_at", "team", "services"] + [k for k, v in given.items() if v]
                events.append(
                    _event(
                        rng, organisation, occurred, row.created_by_id, "passage.recorded",
                        "outreach.passage", str(row.public_id), tuple(fields),
                    )
                )  # fmt: skip
            with transaction.atomic():
                Passage.objects.bulk_create(rows)
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


OBSERVATION_CATEGORIES = _weighted(
    (
        (Observation.Category.ATMOSPHERE, 30),
        (Observation.Category.GATHERING, 20),
        (Observation.Category.NUISANCE, 12),
        (Observation.Category.CONFLICT, 8),
        (Observation.Category.DRUG_USE, 10),
        (Observation.Category.INFRASTRUCTURE, 10),
        (Observation.Category.RESOURCE, 6),
        (Observation.Category.OTHER, 4),
    )
)


def _in_the_field(ctx: Context, rng: random.Random, street: Street, plans, share: float):
    """Where and when something was noted: during a presence (its neighbourhood, one of its
    places or none, one of its workers) or, for the others, in the team's neighbourhood."""
    if plans and rng.random() < share:
        presence = rng.choice(plans)
        place = rng.choice(presence.places) if presence.places and rng.random() < 0.6 else None
        when = _between(rng, presence.started, presence.ended)
        return (
            presence.team,
            presence,
            presence.territory,
            place,
            when,
            rng.choice(presence.workers),
        )
    team = street.team(rng)
    start, end = _window(ctx)
    when = _between(rng, start, end, recent=0.85)
    return team, None, street.home[team], None, when, rng.choice(street.workers[team])


@step
def observations(ctx: Context, scale: float, rng: random.Random) -> None:
    """Observations, most during a presence, in its neighbourhood and often at one of its
    places: a category, a text, sometimes how many people were there."""
    texts = _tokens(rng, data.OBSERVATION_SENTENCES)
    for street in _street(ctx):
        organisation = street.organisation
        plans = _presences(ctx, organisation)
        label = f"observations of {organisation.name}"
        for length in ctx.batches(label, street.sizes.observations):
            rows, events = [], []
            for _ in range(length):
                team, presence, territory, place, when, author = _in_the_field(
                    ctx, rng, street, plans, 0.85
                )
                measures = {}
                if rng.random() < 0.05:
                    measures = {"seringues trouvées": rng.randint(1, 12)}
                row = Observation(
                    public_id=_uuid(rng),
                    organisation_id=organisation.pk,
                    team_id=team,
                    presence_id=presence.pk if presence else None,
                    territory_id=territory,
                    place_id=place,
                    category=_pick(rng, OBSERVATION_CATEGORIES),
                    text=rng.choice(texts),
                    people_present=rng.randint(1, 25) if rng.random() < 0.5 else None,
                    measures=measures,
                    observed_at=when,
                    client_token=_uuid(rng),
                    created_at=min(ctx.now, when + timedelta(minutes=rng.randint(0, 60))),
                    created_by_id=author,
                )
                rows.append(row)
                given = {
                    "presence": row.presence_id,
                    "place": row.place_id,
                    "people_present": row.people_present,
                    "measures": measures,
                }
                fields = ["team", "territory", "category", "text", "observed_at"]
                fields += [name for name, value in given.items() if value]
                events.append(
                    _event(
                        rng, organisation, row.created_at, author, "observation.recorded",
                        "outreach.observation", str(row.public_id), tuple(fields),
                    )
                )  # fmt: skip
            with transaction.atomic():
                Observation.objects.bulk_create(rows)
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


MEDIATION_NATURES = _weighted(
    (
        (Mediation.Nature.PUBLIC_SPACE, 30),
        (Mediation.Nature.NUISANCE, 25),
        (Mediation.Nature.NEIGHBOURS, 15),
        (Mediation.Nature.YOUTH_POLICE, 12),
        (Mediation.Nature.SHOPS, 12),
        (Mediation.Nature.OTHER, 6),
    )
)


@step
def mediations(ctx: Context, scale: float, rng: random.Random) -> None:
    """Mediations in public space: the parties described (some people named), actions,
    outcome, a follow-up date for some, most of those done."""
    parties = _tokens(rng, data.MEDIATION_PARTIES)
    actions = _tokens(rng, data.MEDIATION_ACTIONS)
    outcomes = _tokens(rng, data.MEDIATION_OUTCOMES)
    today = ctx.today
    for street in _street(ctx):
        organisation = street.organisation
        plans = _presences(ctx, organisation)
        label = f"mediations of {organisation.name}"
        for length in ctx.batches(label, street.sizes.mediations):
            rows, named, events = [], [], []
            for _ in range(length):
                team, presence, territory, place, when, author = _in_the_field(
                    ctx, rng, street, plans, 0.7
                )
                follow_up_on = done_at = None
                if rng.random() < 0.35:
                    follow_up_on = timezone.localdate(when) + timedelta(days=rng.randint(3, 30))
                    if follow_up_on < today and rng.random() < 0.8:
                        done_at = min(
                            ctx.now,
                            datetime.combine(follow_up_on, datetime.min.time(), tzinfo=when.tzinfo)
                            + timedelta(hours=rng.randint(9, 18)),
                        )
                persons = []
                if street.followed[team] and rng.random() < 0.2:
                    known = street.followed[team]
                    persons = rng.sample(known, min(len(known), rng.choice((1, 1, 2))))
                row = Mediation(
                    public_id=_uuid(rng),
                    organisation_id=organisation.pk,
                    team_id=team,
                    presence_id=presence.pk if presence else None,
                    territory_id=territory,
                    place_id=place,
                    occurred_at=when,
                    nature=_pick(rng, MEDIATION_NATURES),
                    parties_description=rng.choice(parties),
                    actions=rng.choice(actions),
                    outcome=rng.choice(outcomes) if rng.random() < 0.7 else "",
                    follow_up_on=follow_up_on,
                    follow_up_done_at=done_at,
                    client_token=_uuid(rng),
                    created_at=min(ctx.now, when + timedelta(minutes=rng.randint(10, 180))),
                    created_by_id=author,
                )
                rows.append(row)
                named.append(persons)
                given = {
                    "presence": row.presence_id,
                    "place": row.place_id,
                    "persons": persons,
                    "outcome": row.outcome,
                    "follow_up_on": follow_up_on,
                }
                fields = ["team", "territory", "nature", "parties_description", "actions"]
                fields += ["occurred_at"] + [name for name, value in given.items() if value]
                events.append(
                    _event(
                        rng, organisation, row.created_at, author, "mediation.recorded",
                        "outreach.mediation", str(row.public_id), tuple(fields),
                    )
                )  # fmt: skip
            with transaction.atomic():
                Mediation.objects.bulk_create(rows)
                Mediation.persons.through.objects.bulk_create(
                    Mediation.persons.through(mediation_id=row.pk, person_id=person_id)
                    for row, persons in zip(rows, named, strict=True)
                    for person_id in persons
                )
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


@step
def last_contacts(ctx: Context, scale: float, rng: random.Random) -> None:
    """Each person's last contact (journal entry, encounter, drop-in visit) and its copy on
    their follow-ups, as the services keep them when they write these records one by one."""
    from lien.casework import contacts
    from lien.casework.models import JournalEntry

    with transaction.atomic():
        contacts.fill(
            Person.objects.all(),
            JournalEntry.objects.all(),
            Encounter.persons.through.objects.all(),
            Passage.objects.all(),
        )
        contacts.copy_to_follow_ups(Person.objects.all(), FollowUp.objects.all())
