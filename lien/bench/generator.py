"""The benchmark organisation, generated at a scale from a fixed seed, one step at a time.

A step is a function `(ctx, scale, rng)` registered with `@step`; steps run in the order they
are defined. Each gets its own random generator seeded from SEED and its name, so adding a step
does not change what the others generate. Later issues grow the organisation by adding steps
(people, follow-ups, encounters...) after the existing ones. When a step changes what it
generates, bump GENERATOR_VERSION: existing bench databases are then regenerated.

Generation is appendable: the bench database's marker lists the steps that ran, and when they
are a strict prefix of today's steps (same seed, scale and version), only the new steps run
(`steps_to_run`). So a new step must not rely on what earlier steps put in the context in the
same run, since they did not run: it reads what it needs from the database with the loaders
(`load_accounts`, `lien.bench.street`'s `_street`). The steps after `file_reads` are the street
work ones, in `lien/bench/street.py`.

Scale 1 is a small service; scale 100 a regional one. Every volume is in `sizes()`.
"""

import itertools
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from math import ceil
from time import perf_counter

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Value
from django.utils import timezone

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership, User
from lien.audit.models import AuditEvent
from lien.bench import data
from lien.casework.models import Consent, FollowUp, JournalEntry, Procedure, Referral
from lien.core import crypto
from lien.partners.models import Partner
from lien.people import matching, niss
from lien.people.models import Person, PersonSearchKey

SEED = 20261123
GENERATOR_VERSION = 2
BATCH_SIZE = 5_000
# At most this many progress lines per step, whatever the scale.
PROGRESS_LINES = 20

ORGANISATION_NAME = "Bench organisation"
OTHER_ORGANISATION_NAME = "Bench organisation (other)"
DOMAIN = "bench.example"
OTHER_DOMAIN = "other.bench.example"

# One well-known user per role: scenarios log in as these. The admin also coordinates, as in a
# small association; the coordinator belongs to several teams.
DESIGNATED_ROLES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (Role.ADMIN, Role.COORDINATOR),
    Role.COORDINATOR: (Role.COORDINATOR,),
    Role.SOCIAL_WORKER: (Role.SOCIAL_WORKER,),
    Role.HOUSE_MANAGER: (Role.HOUSE_MANAGER,),
    Role.FIELD_VOLUNTEER: (Role.FIELD_VOLUNTEER,),
    Role.ANALYST: (Role.ANALYST,),
}
COORDINATOR_TEAMS = 5

# How often each role is held by the other users (a user may hold a second role).
ROLE_WEIGHTS: dict[str, float] = {
    Role.SOCIAL_WORKER: 45,
    Role.FIELD_VOLUNTEER: 20,
    Role.COORDINATOR: 10,
    Role.HOUSE_MANAGER: 10,
    Role.ANALYST: 5,
    Role.ADMIN: 5,
}
ROLES_WITHOUT_TEAMS = frozenset({Role.ADMIN, Role.ANALYST})

# The audit trail of a year: mostly logins and logouts, some administration.
ACTION_WEIGHTS: dict[str, float] = {
    "auth.login": 30,
    "auth.logout": 18,
    "auth.session_expired": 10,
    "auth.login_failed": 2,
    "auth.password_changed": 0.5,
    "auth.password_reset": 0.3,
    "mfa.added": 0.3,
    "mfa.removed": 0.05,
    "mfa.recovery_codes_reset": 0.1,
    "mfa.failed": 1,
    "user.invited": 0.4,
    "user.invitation_accepted": 0.3,
    "user.changed": 1,
    "user.deactivated": 0.1,
    "user.reactivated": 0.05,
    "team.created": 0.05,
    "team.changed": 0.3,
    "team.archived": 0.02,
    "audit.viewed": 2,
}
CHANGED_FIELDS = {
    "user.changed": ("full_name", "email", "language", "roles", "teams"),
    "team.changed": ("name", "description"),
}

FIRST_NAMES = (
    "Amina", "Bram", "Chloé", "Dries", "Elif", "Fatou", "Gilles", "Hanne", "Ilyas", "Jana",
    "Karim", "Lotte", "Mehdi", "Nora", "Omar", "Pieter", "Rania", "Sven", "Tess", "Youssef",
    "Zoé", "Lucas", "Inès", "Wout", "Salma", "Arno", "Yasmina", "Jef", "Leila", "Thibault",
)  # fmt: skip
LAST_NAMES = (
    "Peeters", "Janssens", "El Amrani", "Dubois", "Maes", "Lambert", "Bakkali", "Claes",
    "Dupont", "Willems", "Benali", "Martin", "Jacobs", "Mertens", "Diallo", "Wouters",
    "Lejeune", "Aydin", "Goossens", "Renard", "Vermeulen", "Haddad", "Leclercq",
)  # fmt: skip
NEIGHBOURHOODS = (
    "Maritime",
    "Gare de l'Ouest",
    "Heyvaert",
    "Centre historique",
    "Karreveld",
    "Quatre-Vents",
    "Osseghem",
    "Machtens",
    "Scheutbos",
    "Duchesse",
)


@dataclass(frozen=True)
class CaseworkSizes:
    """People and their casework in one organisation. Each record written also leaves the
    audit event its service writes (person.created, journal.added...); file reads and searches
    leave person.viewed and person.searched events."""

    persons: int
    procedures: int
    journal_entries: int
    partners: int
    referrals: int
    file_reads: int
    searches: int


def casework_sizes(scale: float) -> CaseworkSizes:
    return CaseworkSizes(
        persons=max(10, round(1_000 * scale)),
        procedures=max(30, round(3_000 * scale)),
        journal_entries=max(50, round(5_000 * scale)),
        partners=min(max(5, round(40 * scale)), 400),
        referrals=max(10, round(300 * scale)),
        file_reads=max(50, round(5_000 * scale)),
        searches=max(10, round(1_000 * scale)),
    )


@dataclass(frozen=True)
class StreetSizes:
    """Street work in one organisation, over STREET_YEARS: street-work teams (each following a
    share of the people, met by name on some encounters), places in the Molenbeek
    neighbourhoods, presences in the field, encounters (mostly anonymous counts), drop-in
    passages, observations and mediations."""

    teams: int
    places: int
    presences: int
    encounters: int
    passages: int
    observations: int
    mediations: int


def street_sizes(scale: float) -> StreetSizes:
    return StreetSizes(
        teams=min(50, max(3, round(scale / 2))),
        places=min(200, 18 + round(2 * scale)),
        # Several presences per team and week at scale 100 (50 teams, 8 a week, 2 years),
        # and the same number of encounters per presence (about 24) at every scale.
        presences=max(10, round(416 * scale)),
        encounters=max(100, round(10_000 * scale)),
        passages=max(20, round(500 * scale)),
        observations=max(20, round(1_000 * scale)),
        mediations=max(5, round(30 * scale)),
    )


@dataclass(frozen=True)
class Sizes:
    teams: int
    users: int
    audit_events: int
    other_teams: int
    other_users: int
    other_audit_events: int
    casework: CaseworkSizes
    other_casework: CaseworkSizes
    street: StreetSizes
    other_street: StreetSizes


def sizes(scale: float) -> Sizes:
    return Sizes(
        teams=min(max(2, round(5 * scale)), 250),
        users=max(len(DESIGNATED_ROLES), round(20 * scale)),
        audit_events=max(200, round(20_000 * scale)),
        # A second, smaller organisation: its rows must never show in the first one's pages.
        other_teams=min(max(2, round(scale)), 50),
        other_users=max(len(DESIGNATED_ROLES), round(2 * scale)),
        other_audit_events=max(50, round(2_000 * scale)),
        casework=casework_sizes(scale),
        other_casework=casework_sizes(scale / 10),
        street=street_sizes(scale),
        # A little street work in the other organisation too: none of it may show in ours.
        other_street=street_sizes(scale / 50),
    )


def bench_email(role: str, *, other: bool = False) -> str:
    """The designated user of a role, in the bench organisation (or the other one)."""
    return f"{role.replace('_', '-')}@{OTHER_DOMAIN if other else DOMAIN}"


def bench_user(role: str) -> User:
    return User.objects.get(email=bench_email(role))


@dataclass
class Context:
    """What the steps share while generating. Steps may add what later steps need."""

    scale: float
    sizes: Sizes
    now: datetime
    report: Callable[[str], None]
    organisation: Organisation | None = None
    other_organisation: Organisation | None = None
    teams: list[Team] = field(default_factory=list)
    other_teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    other_users: list[User] = field(default_factory=list)
    roles: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # Per organisation pk: its people (see PersonPlan), the social workers and coordinators
    # of each team (who write notes and carry procedures), and its partners.
    people: dict[int, list["PersonPlan"]] = field(default_factory=dict)
    caseworkers: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    partners: dict[int, list[Partner]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def with_casework(self) -> Iterator[tuple[Organisation, list[Team], CaseworkSizes]]:
        """Each organisation with its teams and casework volumes: ours, then the other one."""
        yield self.organisation, self.teams, self.sizes.casework
        yield self.other_organisation, self.other_teams, self.sizes.other_casework

    def batches(self, label: str, total: int, size: int = BATCH_SIZE) -> Iterator[int]:
        """Yield batch lengths that add up to `total`, reporting progress as they are done."""
        count = ceil(total / size)
        every = max(1, ceil(count / PROGRESS_LINES))
        done = 0
        for index in range(count):
            length = min(size, total - done)
            yield length
            done += length
            if count > 1 and ((index + 1) % every == 0 or done == total):
                self.report(f"    {label}: {done / total:4.0%} ({done:,}/{total:,})")


Step = Callable[[Context, float, random.Random], None]
STEPS: list[Step] = []


def step(func: Step) -> Step:
    STEPS.append(func)
    return func


def step_names() -> list[str]:
    return [func.__name__ for func in STEPS]


def marker(scale: float) -> dict:
    """What a bench database records once generated; a different marker means regenerate."""
    return {"scale": scale, "seed": SEED, "version": GENERATOR_VERSION, "steps": step_names()}


def steps_to_run(stored: dict | None, scale: float) -> list[str] | None:
    """The steps a bench database whose marker is `stored` still needs: none when it is
    complete, the new ones when the steps it records are a strict prefix of today's (same
    scale, seed and version, no step interrupted), and None when it must be regenerated."""
    expected = marker(scale)
    if not stored or stored.get("running"):
        return None
    if any(stored.get(key) != expected[key] for key in ("scale", "seed", "version")):
        return None
    done, names = stored.get("steps") or [], expected["steps"]
    if not isinstance(done, list) or done != names[: len(done)]:
        return None
    return names[len(done) :]


def generate(
    scale: float,
    *,
    report: Callable[[str], None] = lambda line: None,
    done: Sequence[str] = (),
    progress: Callable[[list[str], str | None], None] = lambda done, running: None,
) -> Context:
    """Run the steps, skipping `done` (the first steps, already in the database).

    `progress(done, running)` is called before each step with the step about to run, and
    after it with None: the bench command records it in the marker, so that a database left
    by an interrupted step is regenerated and one left between two steps is completed."""
    names = step_names()
    if list(done) != names[: len(done)]:
        raise ValueError(f"not the first steps: {list(done)}")
    finished = list(done)
    ctx = Context(scale=scale, sizes=sizes(scale), now=timezone.now(), report=report)
    for func in STEPS[len(finished) :]:
        started = perf_counter()
        report(f"  {func.__name__}...")
        progress(finished, func.__name__)
        rng = random.Random(f"{SEED}:{func.__name__}")
        func(ctx, scale, rng)
        finished.append(func.__name__)
        progress(finished, None)
        report(f"  {func.__name__} done in {perf_counter() - started:.1f} s")
    return ctx


def load_accounts(ctx: Context) -> None:
    """Fill the context's organisations, teams, users and roles from the database, as the
    first steps leave them: for steps that may run appended to an existing database."""
    ctx.organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    ctx.other_organisation = Organisation.objects.get(name=OTHER_ORGANISATION_NAME)
    teams = Team.objects.order_by("pk")
    ctx.teams = list(teams.filter(organisation=ctx.organisation))
    ctx.other_teams = list(teams.filter(organisation=ctx.other_organisation))
    users = User.objects.order_by("pk")
    ctx.users = list(users.filter(organisation=ctx.organisation))
    ctx.other_users = list(users.filter(organisation=ctx.other_organisation))
    roles: dict[int, list[str]] = {}
    memberships = Membership.objects.order_by("user_id", "role").values_list("user_id", "role")
    for user_id, role in memberships:
        roles.setdefault(user_id, []).append(role)
    ctx.roles = {user_id: tuple(held) for user_id, held in roles.items()}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@step
@transaction.atomic
def organisations(ctx: Context, scale: float, rng: random.Random) -> None:
    ctx.organisation = Organisation.objects.create(
        public_id=_uuid(rng), name=ORGANISATION_NAME, kind=Organisation.Kind.STREET_WORK
    )
    ctx.other_organisation = Organisation.objects.create(
        public_id=_uuid(rng), name=OTHER_ORGANISATION_NAME, kind=Organisation.Kind.COHOUSING
    )


def _teams(ctx: Context, rng: random.Random, organisation: Organisation, count: int) -> list[Team]:
    teams = []
    for index in range(count):
        neighbourhood = NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)]
        # A few teams were archived; the first ones stay active for the designated users.
        archived = index >= COORDINATOR_TEAMS and rng.random() < 0.05
        teams.append(
            Team(
                public_id=_uuid(rng),
                organisation=organisation,
                name=f"Équipe {index + 1:03d} – {neighbourhood}",
                description=f"Travail de rue, quartier {neighbourhood}",
                archived_at=ctx.now - timedelta(days=rng.randrange(1, 365)) if archived else None,
                created_at=ctx.now - timedelta(days=rng.randrange(365, 3 * 365)),
            )
        )
    return Team.objects.bulk_create(teams)


@step
@transaction.atomic
def teams(ctx: Context, scale: float, rng: random.Random) -> None:
    ctx.teams = _teams(ctx, rng, ctx.organisation, ctx.sizes.teams)
    ctx.other_teams = _teams(ctx, rng, ctx.other_organisation, ctx.sizes.other_teams)


def _users(
    ctx: Context,
    rng: random.Random,
    organisation: Organisation,
    teams: list[Team],
    count: int,
    *,
    other: bool,
) -> list[User]:
    active_teams = [team for team in teams if team.archived_at is None]
    plans: list[tuple[User, tuple[str, ...], list[Team]]] = []
    for role, roles in DESIGNATED_ROLES.items():
        if role == Role.ADMIN:
            member_of = active_teams[:2]
        elif role == Role.COORDINATOR:
            member_of = active_teams[:COORDINATOR_TEAMS]
        elif role in ROLES_WITHOUT_TEAMS:
            member_of = []
        else:
            member_of = active_teams[:1]
        name = f"{role.replace('_', ' ').title()} Bench"
        plans.append(
            (_user(ctx, rng, organisation, bench_email(role, other=other), name), roles, member_of)
        )
    role_names, role_weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    for index in range(len(plans), count):
        roles = {rng.choices(role_names, role_weights)[0]}
        if rng.random() < 0.1:
            roles.add(rng.choices(role_names, role_weights)[0])
        member_of = []
        if roles - ROLES_WITHOUT_TEAMS:
            member_of = rng.sample(
                active_teams, min(len(active_teams), rng.choice((1, 1, 1, 1, 2)))
            )
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = f"user{index:05d}@{OTHER_DOMAIN if other else DOMAIN}"
        plans.append((_user(ctx, rng, organisation, email, name), tuple(sorted(roles)), member_of))
    users = User.objects.bulk_create([user for user, _, _ in plans])
    Membership.objects.bulk_create(
        Membership(organisation=organisation, user=user, role=role)
        for user, (_, roles, _) in zip(users, plans, strict=True)
        for role in roles
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(organisation=organisation, team=team, user=user)
        for user, (_, _, member_of) in zip(users, plans, strict=True)
        for team in member_of
    )
    for user, (_, roles, _) in zip(users, plans, strict=True):
        ctx.roles[user.pk] = roles
    return users


def _user(
    ctx: Context, rng: random.Random, organisation: Organisation, email: str, full_name: str
) -> User:
    return User(
        public_id=_uuid(rng),
        organisation=organisation,
        email=email,
        full_name=full_name,
        language=rng.choices(("fr", "nl", "en"), (6, 3, 1))[0],
        # Bench users log in with force_login: no password, and no costly hashing.
        password=make_password(None),
        date_joined=ctx.now - timedelta(days=rng.randrange(1, 3 * 365)),
    )


@step
@transaction.atomic
def users(ctx: Context, scale: float, rng: random.Random) -> None:
    ctx.users = _users(ctx, rng, ctx.organisation, ctx.teams, ctx.sizes.users, other=False)
    ctx.other_users = _users(
        ctx, rng, ctx.other_organisation, ctx.other_teams, ctx.sizes.other_users, other=True
    )


def _audit_trail(
    ctx: Context,
    rng: random.Random,
    organisation: Organisation,
    users: list[User],
    teams: list[Team],
    total: int,
) -> None:
    # Plain tuples: attribute access on thousands of model instances is what costs here.
    people = [(user.pk, str(user.public_id)) for user in users]
    admins = [p for p, u in zip(people, users, strict=True) if Role.ADMIN in ctx.roles[u.pk]]
    admins = admins or people
    team_ids = [str(team.public_id) for team in teams]
    activity = [rng.expovariate(1.0) for _ in people]  # some users log in far more than others
    ips = [f"192.0.2.{i}" for i in range(1, 40)] + [f"2001:db8::{i:x}" for i in range(1, 10)]
    names, weights = list(ACTION_WEIGHTS), list(ACTION_WEIGHTS.values())
    year = 365 * 24 * 3600
    for length in ctx.batches(f"audit events of {organisation.name}", total):
        actions = rng.choices(names, weights, k=length)
        actors = rng.choices(people, activity, k=length)
        events = []
        for action, (actor_id, actor_public_id) in zip(actions, actors, strict=True):
            area = action.partition(".")[0]
            object_type, object_id, fields = "accounts.user", actor_public_id, []
            if action == "auth.login_failed":
                actor_id = None
            elif area == "user":
                actor_id = rng.choice(admins)[0]
                object_id = rng.choice(people)[1]
            elif area == "team":
                actor_id = rng.choice(admins)[0]
                object_type, object_id = "accounts.team", rng.choice(team_ids)
            elif area == "audit":
                actor_id = rng.choice(admins)[0]
                object_type, object_id = "audit.auditevent", ""
            if action in CHANGED_FIELDS:
                fields = sorted(rng.sample(CHANGED_FIELDS[action], rng.randint(1, 2)))
            events.append(
                AuditEvent(
                    public_id=_uuid(rng),
                    occurred_at=ctx.now - timedelta(seconds=rng.random() * year),
                    organisation_id=organisation.pk,
                    actor_id=actor_id,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    fields=fields,
                    ip=rng.choice(ips),
                    request_id=f"{rng.getrandbits(128):032x}",
                )
            )
        AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


@step
def audit_events(ctx: Context, scale: float, rng: random.Random) -> None:
    _audit_trail(ctx, rng, ctx.organisation, ctx.users, ctx.teams, ctx.sizes.audit_events)
    _audit_trail(
        ctx,
        rng,
        ctx.other_organisation,
        ctx.other_users,
        ctx.other_teams,
        ctx.sizes.other_audit_events,
    )


# People and casework: persons with their search keys and follow-ups, procedures, journal
# entries, partners, consents and referrals, and the audit events their services write.

CASEWORK_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER})
IPS = tuple(f"192.0.2.{i}" for i in range(1, 40)) + tuple(f"2001:db8::{i:x}" for i in range(1, 10))
# Distinct journal texts, each encrypted once: Fernet tokens of realistic length and content,
# shared by many entries (encrypting 500,000 texts one by one would dominate the generation).
NOTE_TEXTS = 400
FILE_YEARS = 5


@dataclass(slots=True)
class PersonPlan:
    """What the later steps need to know of a generated person."""

    pk: int
    public_id: str
    created: datetime
    until: datetime  # now, or when the person left the active file or was archived
    active: bool
    teams: tuple[int, ...]  # the teams that follow or followed them, the first one opened it
    weight: float  # how much casework the person gets, relative to the others


def _between(rng: random.Random, start: datetime, end: datetime, recent: float = 1.0) -> datetime:
    """A moment in [start, end]; `recent` < 1 leans towards the end."""
    if end <= start:
        return end
    return start + (end - start) * (rng.random() ** recent)


def _weighted(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names = [name for name, _ in pairs]
    return names, list(itertools.accumulate(weight for _, weight in pairs))


def _pick(rng: random.Random, table: tuple[list[str], list[float]]) -> str:
    return rng.choices(table[0], cum_weights=table[1])[0]


def _event(
    rng: random.Random,
    organisation: Organisation,
    when: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str = "",
    fields: tuple[str, ...] = (),
) -> AuditEvent:
    return AuditEvent(
        public_id=_uuid(rng),
        occurred_at=when,
        organisation_id=organisation.pk,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(fields),
        ip=rng.choice(IPS),
        request_id=f"{rng.getrandbits(128):032x}",
    )


def _team_caseworkers(ctx: Context, organisation: Organisation) -> dict[int, list[int]]:
    """Social workers and coordinators of each team (0: all of them, for teams without one;
    the designated coordinator and social worker are always there)."""
    by_team: dict[int, list[int]] = {0: []}
    memberships = (
        TeamMembership.objects.filter(organisation=organisation)
        .order_by("team_id", "user_id")
        .values_list("team_id", "user_id")
    )
    for team_id, user_id in memberships:
        if set(ctx.roles.get(user_id, ())) & CASEWORK_ROLES:
            by_team.setdefault(team_id, []).append(user_id)
            by_team[0].append(user_id)
    return by_team


def _caseworker(ctx: Context, rng: random.Random, organisation: Organisation, team_id: int) -> int:
    workers = ctx.caseworkers[organisation.pk]
    return rng.choice(workers.get(team_id) or workers[0])


def _niss(rng: random.Random, year: int, month: int, day: int, gender: str) -> str:
    """A national register number with a correct checksum (odd serial for men)."""
    serial = rng.randrange(1, 998)
    if (serial % 2 == 1) != (gender == Person.Gender.MALE):
        serial += 1
    base = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    number = int(("2" if year >= 2000 else "") + base)
    return f"{base}{97 - number % 97:02d}"


@lru_cache(maxsize=50_000)
def _search_keys(first_and_other: str, last_name: str, nickname: str) -> tuple[str, ...]:
    """As lien.people.services._index_names stores them (names repeat: computed once)."""
    return tuple(sorted(matching.search_keys(first_and_other, last_name, nickname)))


def _person(ctx: Context, rng: random.Random, organisation: Organisation, tables: dict) -> Person:
    now, today = ctx.now, ctx.today
    gender = rng.choices("MFXU", (62, 34, 1, 3))[0]
    female = gender == "F" or (gender in "XU" and rng.random() < 0.5)
    first_name = _pick(rng, tables["female" if female else "male"])
    last_name = _pick(rng, tables["last"])
    nickname = rng.choice(data.NICKNAMES) if rng.random() < 0.25 else ""
    other_names = ""
    roll = rng.random()
    if roll < 0.04:  # known by a nickname only, for now
        first_name = last_name = ""
        nickname = rng.choice(data.NICKNAMES)
    elif roll < 0.09:
        last_name = ""
    elif roll < 0.14:  # another spelling seen on a document
        other_names = _pick(rng, tables["last"])
    year = month = day = None
    if first_name and rng.random() < 0.85:
        year = today.year - rng.randint(18, 75)
        if rng.random() < 0.65:
            month = rng.randint(1, 12)
            if rng.random() < 0.85:
                day = rng.randint(1, 28)
    number = ""
    if day and rng.random() < 0.5:
        number = _niss(rng, year, month, day, gender)
    created_at = now - timedelta(days=FILE_YEARS * 365) * (rng.random() ** 1.3)
    person = Person(
        public_id=_uuid(rng),
        organisation_id=organisation.pk,
        first_name=first_name,
        last_name=last_name,
        nickname=nickname,
        other_names=other_names,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        gender=gender,
        nationality=_pick(rng, tables["nationality"]),
        languages=", ".join(rng.sample(data.LANGUAGES, rng.choice((1, 1, 2, 2, 3)))),
        phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}"
        if rng.random() < 0.4
        else "",
        email=f"contact{rng.getrandbits(24):x}@example.org" if rng.random() < 0.05 else "",
        niss=number,
        niss_index=crypto.blind_index(number) if number else "",
        niss_checksum_ok=niss.parse(number).valid if number else False,
        residence_status=_pick(rng, tables["residence"]),
        address=f"{rng.choice(data.STREETS)} {rng.randint(1, 180)}, {rng.choice(data.COMMUNES)}"
        if rng.random() < 0.3
        else "",
        alert=rng.random() < 0.03,
        created_at=created_at,
        updated_at=_between(rng, created_at, now),
    )
    if person.alert:
        person.alert_note = "Ne pas rencontrer seul·e"
    roll = rng.random()
    if roll < 0.13:
        person.status = Person.Status.LEFT
        person.left_on = _between(rng, created_at, now).date()
        person.left_reason = rng.choice(data.LEFT_REASONS)
    elif roll < 0.18:
        person.status = Person.Status.ARCHIVED
        person.archived_at = _between(rng, created_at, now)
    return person


def _name_tables() -> dict:
    return {
        "male": _weighted(data.MALE_FIRST_NAMES),
        "female": _weighted(data.FEMALE_FIRST_NAMES),
        "last": _weighted(data.LAST_NAMES),
        "nationality": _weighted(data.NATIONALITIES),
        "residence": _weighted(
            (
                ("", 25),
                ("belgian", 25),
                ("eu", 15),
                ("registered", 8),
                ("foreigners_register", 5),
                ("asylum", 7),
                ("irregular", 12),
                ("other", 3),
            )
        ),
    }


def _people(ctx: Context, rng: random.Random, organisation: Organisation, teams, total: int):
    active_teams = [team.pk for team in teams if team.archived_at is None]
    # Some teams follow far more people than others.
    team_weights = list(itertools.accumulate(rng.lognormvariate(0, 0.5) for _ in active_teams))
    ctx.caseworkers[organisation.pk] = _team_caseworkers(ctx, organisation)
    tables = _name_tables()
    plans: list[PersonPlan] = []
    for length in ctx.batches(f"people of {organisation.name}", total, size=2_000):
        persons = [_person(ctx, rng, organisation, tables) for _ in range(length)]
        followers = []
        for person in persons:
            primary = rng.choices(active_teams, cum_weights=team_weights)[0]
            others = [team for team in active_teams if team != primary]
            teams_of = [primary]
            if others and rng.random() < 0.2:
                teams_of.append(rng.choice(others))
            followers.append(teams_of)
            person.created_by_id = _caseworker(ctx, rng, organisation, primary)
        with transaction.atomic():
            Person.objects.bulk_create(persons)
            keys, follow_ups, events = [], [], []
            for person, teams_of in zip(persons, followers, strict=True):
                for key in _search_keys(
                    " ".join((person.first_name, person.other_names)),
                    person.last_name,
                    person.nickname,
                ):
                    keys.append(
                        PersonSearchKey(
                            organisation_id=organisation.pk, person_id=person.pk, key=key[:64]
                        )
                    )
                plan = _plan(ctx, rng, person, teams_of)
                plans.append(plan)
                actor = person.created_by_id
                events.append(
                    _event(
                        rng, organisation, person.created_at, actor, "person.created",
                        "people.person", plan.public_id,
                        ("first_name", "last_name", "nickname", "birth_year"),
                    )
                )  # fmt: skip
                for index, team_id in enumerate(teams_of):
                    follow_up = _follow_up(ctx, rng, organisation, person, plan, team_id, index)
                    follow_ups.append(follow_up)
                    events.append(
                        _event(
                            rng, organisation, follow_up.created_at, actor, "follow_up.opened",
                            "casework.followup", str(follow_up.public_id), ("team",),
                        )
                    )  # fmt: skip
                    if follow_up.ended_on:
                        ended = datetime.combine(
                            follow_up.ended_on, datetime.min.time(), tzinfo=ctx.now.tzinfo
                        ) + timedelta(hours=rng.randint(8, 18))
                        events.append(
                            _event(
                                rng, organisation, min(ended, ctx.now), actor, "follow_up.ended",
                                "casework.followup", str(follow_up.public_id),
                                ("ended_on", "end_reason"),
                            )
                        )  # fmt: skip
            PersonSearchKey.objects.bulk_create(keys, batch_size=BATCH_SIZE)
            FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH_SIZE)
            AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    ctx.people[organisation.pk] = plans


def _plan(ctx: Context, rng: random.Random, person: Person, teams_of: list[int]) -> PersonPlan:
    until = ctx.now
    if person.left_on:
        until = datetime.combine(person.left_on, datetime.max.time(), tzinfo=ctx.now.tzinfo)
    elif person.archived_at:
        until = person.archived_at
    active = person.status == Person.Status.ACTIVE
    return PersonPlan(
        pk=person.pk,
        public_id=str(person.public_id),
        created=person.created_at,
        until=min(until, ctx.now),
        active=active,
        teams=tuple(teams_of),
        # A few people get much of the casework; those who left, less.
        weight=rng.expovariate(1.0) * (1.0 if active else 0.3),
    )


def _follow_up(
    ctx: Context,
    rng: random.Random,
    organisation: Organisation,
    person: Person,
    plan: PersonPlan,
    team_id: int,
    index: int,
) -> FollowUp:
    started = plan.created if index == 0 else _between(rng, plan.created, plan.until)
    ended_on = None
    if not plan.active:
        ended_on = plan.until.date()
    elif index > 0 and rng.random() < 0.4:  # a team that handed over, some of them recently
        ended_on = _between(rng, started, ctx.now).date()
    return FollowUp(
        public_id=_uuid(rng),
        organisation_id=organisation.pk,
        person_id=person.pk,
        team_id=team_id,
        started_on=started.date(),
        ended_on=ended_on,
        end_reason=rng.choice(data.END_REASONS) if ended_on else "",
        reason=rng.choice(data.FOLLOW_UP_REASONS),
        created_at=started,
        created_by_id=person.created_by_id,
    )


@step
def people(ctx: Context, scale: float, rng: random.Random) -> None:
    """People with their search keys and the follow-ups that let their teams see them."""
    for organisation, teams, volumes in ctx.with_casework():
        _people(ctx, rng, organisation, teams, volumes.persons)


def _chooser(plans: list[PersonPlan]) -> Callable[[random.Random, int], list[PersonPlan]]:
    cumulative = list(itertools.accumulate(plan.weight for plan in plans))
    return lambda rng, k: rng.choices(plans, cum_weights=cumulative, k=k)


def _procedure(
    ctx: Context, rng: random.Random, organisation: Organisation, plan: PersonPlan, tables
) -> Procedure:
    today = ctx.today
    domain = _pick(rng, tables["domain"])
    created_at = _between(rng, plan.created, plan.until, recent=0.7)
    age = (ctx.now - created_at).days
    if not plan.active:
        status = rng.choices(("done", "abandoned"), (7, 3))[0]
    else:
        pending = 0.75 if age < 60 else 0.35 if age < 180 else 0.06
        if rng.random() < pending:
            status = rng.choices(("todo", "in_progress", "waiting_partner"), (3, 4, 2))[0]
        else:
            status = rng.choices(("done", "abandoned"), (9, 1))[0]
    is_pending = status in Procedure.PENDING_STATUSES
    due_on = None
    if is_pending and rng.random() < 0.75:
        due_on = max(created_at.date(), today + timedelta(days=rng.randint(-20, 40)))
    elif not is_pending and rng.random() < 0.5:
        due_on = created_at.date() + timedelta(days=rng.randint(7, 60))
    responsible = None
    if rng.random() < 0.85:
        responsible = _caseworker(ctx, rng, organisation, plan.teams[0])
    received_on = notified_on = None
    if domain == "cpas" and rng.random() < 0.8:
        received_on = min(today, created_at.date() + timedelta(days=rng.randint(0, 5)))
        if status == "done":
            notified_on = min(today, received_on + timedelta(days=rng.randint(10, 45)))
    return Procedure(
        public_id=_uuid(rng),
        organisation_id=organisation.pk,
        person_id=plan.pk,
        domain=domain,
        title=rng.choice(data.PROCEDURE_TITLES[domain]),
        status=status,
        due_on=due_on,
        responsible_id=responsible,
        partner_name=f"CPAS de {rng.choice(data.COMMUNES)}" if received_on else "",
        outcome=rng.choice(data.OUTCOMES) if status == "done" else "",
        cpas_received_on=received_on,
        cpas_notified_on=notified_on,
        archived_at=_between(rng, created_at, ctx.now) if rng.random() < 0.02 else None,
        created_at=created_at,
        created_by_id=responsible or _caseworker(ctx, rng, organisation, plan.teams[0]),
    )


@step
def procedures(ctx: Context, scale: float, rng: random.Random) -> None:
    """Procedures: many done, those under way due around today, CPAS requests with their
    receipt date (the legal deadlines run from it)."""
    tables = {"domain": _weighted(data.PROCEDURE_DOMAINS)}
    for organisation, _teams, volumes in ctx.with_casework():
        choose = _chooser(ctx.people[organisation.pk])
        label = f"procedures of {organisation.name}"
        for length in ctx.batches(label, volumes.procedures):
            rows = [
                _procedure(ctx, rng, organisation, plan, tables) for plan in choose(rng, length)
            ]
            events = []
            for procedure in rows:
                public_id = str(procedure.public_id)
                events.append(
                    _event(
                        rng, organisation, procedure.created_at, procedure.created_by_id,
                        "procedure.created", "casework.procedure", public_id,
                        ("domain", "title", "status", "due_on"),
                    )
                )  # fmt: skip
                if not procedure.is_pending:
                    events.append(
                        _event(
                            rng, organisation, _between(rng, procedure.created_at, ctx.now),
                            procedure.created_by_id, "procedure.changed", "casework.procedure",
                            public_id, ("status", "outcome"),
                        )
                    )  # fmt: skip
            with transaction.atomic():
                Procedure.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _note_tokens(rng: random.Random) -> list[Value]:
    """NOTE_TEXTS distinct texts of one to six sentences, each encrypted once; inserted as is
    (the Value skips the field's encryption, the token already is one)."""
    tokens = []
    for _ in range(NOTE_TEXTS):
        text = " ".join(rng.sample(data.NOTE_SENTENCES, rng.choice((1, 1, 2, 2, 3, 4, 6))))
        tokens.append(Value(crypto.encrypt(text), output_field=models.TextField()))
    return tokens


@step
def journal(ctx: Context, scale: float, rng: random.Random) -> None:
    """Journal entries, more of them recent, by the social workers of the following teams."""
    tokens = _note_tokens(rng)
    kinds = _weighted((("note", 55), ("interview", 45)))
    channels = _weighted(
        (("street", 35), ("in_person", 30), ("phone", 20), ("home_visit", 10), ("letter", 5))
    )
    visibilities = _weighted((("team", 75), ("shared", 15), ("private", 10)))
    sections = _weighted(
        (("general", 80), ("health", 8), ("addictions", 5), ("justice", 3), ("residence", 4))
    )
    for organisation, _teams, volumes in ctx.with_casework():
        choose = _chooser(ctx.people[organisation.pk])
        label = f"journal entries of {organisation.name}"
        for length in ctx.batches(label, volumes.journal_entries):
            entries, events = [], []
            for plan in choose(rng, length):
                occurred_at = _between(rng, plan.created, plan.until, recent=0.6)
                created_at = min(ctx.now, occurred_at + timedelta(minutes=rng.randint(0, 600)))
                entry = JournalEntry(
                    public_id=_uuid(rng),
                    organisation_id=organisation.pk,
                    person_id=plan.pk,
                    author_id=_caseworker(ctx, rng, organisation, rng.choice(plan.teams)),
                    occurred_at=occurred_at,
                    kind=_pick(rng, kinds),
                    channel=_pick(rng, channels),
                    visibility=_pick(rng, visibilities),
                    section=_pick(rng, sections),
                    text=rng.choice(tokens),
                    archived_at=_between(rng, created_at, ctx.now) if rng.random() < 0.01 else None,
                    created_at=created_at,
                )
                entries.append(entry)
                events.append(
                    _event(
                        rng, organisation, created_at, entry.author_id, "journal.added",
                        "casework.journalentry", str(entry.public_id),
                        ("kind", "channel", "visibility", "section", "text"),
                    )
                )  # fmt: skip
            with transaction.atomic():
                JournalEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _partners(ctx: Context, rng: random.Random, organisation: Organisation, total: int):
    names = [
        (sector, pattern.format(commune=commune), commune)
        for sector, pattern in data.PARTNER_KINDS
        for commune in data.COMMUNES
    ]
    rng.shuffle(names)
    partners = []
    for index in range(total):
        sector, name, commune = names[index % len(names)]
        if index >= len(names):
            name = f"{name} (antenne {index // len(names) + 1})"
        partners.append(
            Partner(
                public_id=_uuid(rng),
                organisation_id=organisation.pk,
                name=name,
                sector=sector,
                commune=commune,
                phone=f"+32 2 {rng.randint(200, 599)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                created_at=ctx.now - timedelta(days=rng.randrange(30, 3 * 365)),
            )
        )
    return Partner.objects.bulk_create(partners)


def _referral(
    ctx: Context, rng: random.Random, organisation: Organisation, plan: PersonPlan, partners
) -> tuple[Consent | None, Referral]:
    referred = _between(rng, plan.created, plan.until, recent=0.6)
    referred_on = referred.date()
    age = (ctx.now - referred).days
    author = _caseworker(ctx, rng, organisation, plan.teams[0])
    partner = rng.choice(partners)
    if age < 30 and plan.active:
        status = rng.choices(("proposed", "accepted", "refused"), (6, 3, 1))[0]
    else:
        status = rng.choices(("done", "accepted", "refused", "proposed"), (50, 20, 15, 15))[0]
    consent = None
    if rng.random() < 0.9:
        consent = Consent(
            public_id=_uuid(rng),
            organisation_id=organisation.pk,
            person_id=plan.pk,
            scope=Consent.Scope.SHARING,
            partner=partner,
            given_on=referred_on - timedelta(days=rng.randint(0, 3)),
            recorded_by_id=author,
            created_at=referred,
        )
    referral = Referral(
        public_id=_uuid(rng),
        organisation_id=organisation.pk,
        person_id=plan.pk,
        partner=partner,
        reason=rng.choice(data.REFERRAL_REASONS),
        referred_on=referred_on,
        accompanied=rng.random() < 0.3,
        status=status,
        refusal_reason=rng.choice(data.REFUSAL_REASONS) if status == "refused" else "",
        outcome=rng.choice(data.OUTCOMES) if status == "done" else "",
        remind_on=referred_on + timedelta(days=14) if status == "proposed" else None,
        consent_override_reason="" if consent else "Urgence médicale, accord oral",
        created_at=referred,
        created_by_id=author,
    )
    return consent, referral


@step
def referrals(ctx: Context, scale: float, rng: random.Random) -> None:
    """Partners, and referrals to them with the consent they rely on (a few without, with
    the reason); some still waiting for an answer past their reminder date."""
    for organisation, _teams, volumes in ctx.with_casework():
        partners = _partners(ctx, rng, organisation, volumes.partners)
        ctx.partners[organisation.pk] = partners
        choose = _chooser(ctx.people[organisation.pk])
        label = f"referrals of {organisation.name}"
        for length in ctx.batches(label, volumes.referrals):
            pairs = [
                _referral(ctx, rng, organisation, plan, partners) for plan in choose(rng, length)
            ]
            events = []
            for consent, referral in pairs:
                author, when = referral.created_by_id, referral.created_at
                if consent:
                    events.append(
                        _event(
                            rng, organisation, when, author, "consent.recorded",
                            "casework.consent", str(consent.public_id), ("scope", "partner"),
                        )
                    )  # fmt: skip
                action = "referral.created" if consent else "referral.consent_overridden"
                events.append(
                    _event(
                        rng, organisation, when, author, action, "casework.referral",
                        str(referral.public_id), ("partner", "reason", "status"),
                    )
                )  # fmt: skip
            with transaction.atomic():
                Consent.objects.bulk_create([c for c, _ in pairs if c], batch_size=BATCH_SIZE)
                for consent, referral in pairs:
                    referral.consent = consent
                Referral.objects.bulk_create([r for _, r in pairs], batch_size=BATCH_SIZE)
                AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


@step
def file_reads(ctx: Context, scale: float, rng: random.Random) -> None:
    """Every file read and people search is audited: the bulk of a casework audit trail."""
    for organisation, _teams, volumes in ctx.with_casework():
        choose = _chooser(ctx.people[organisation.pk])
        label = f"file reads of {organisation.name}"
        for length in ctx.batches(label, volumes.file_reads):
            events = [
                _event(
                    rng, organisation, _between(rng, plan.created, plan.until, recent=0.6),
                    _caseworker(ctx, rng, organisation, rng.choice(plan.teams)),
                    "person.viewed", "people.person", plan.public_id,
                )
                for plan in choose(rng, length)
            ]  # fmt: skip
            AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        workers = ctx.caseworkers[organisation.pk][0]
        year = timedelta(days=365)
        events = [
            _event(
                rng, organisation, ctx.now - year * rng.random(), rng.choice(workers),
                "person.searched", "people.person",
            )
            for _ in range(volumes.searches)
        ]  # fmt: skip
        AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


# The street-work steps come after the casework ones (their module registers them).
from lien.bench import street as _street_steps  # noqa: E402, F401
