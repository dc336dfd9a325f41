"""The benchmark organisation, generated at a scale from a fixed seed, one step at a time.

A step is a function `(ctx, scale, rng)` registered with `@step`; steps run in the order they
are defined. Each gets its own random generator seeded from SEED and its name, so adding a step
does not change what the others generate. Later issues grow the organisation by adding steps
(people, follow-ups, encounters...) after the existing ones. When a step changes what it
generates, bump GENERATOR_VERSION: existing bench databases are then regenerated.

Scale 1 is a small service; scale 100 a regional one. Every volume is in `sizes()`.
"""

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from time import perf_counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lien.accounts.models import Membership, Organisation, Role, Team, TeamMembership, User
from lien.audit.models import AuditEvent

SEED = 20261123
GENERATOR_VERSION = 1
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
class Sizes:
    teams: int
    users: int
    audit_events: int
    other_teams: int
    other_users: int
    other_audit_events: int


def sizes(scale: float) -> Sizes:
    return Sizes(
        teams=min(max(2, round(5 * scale)), 250),
        users=max(len(DESIGNATED_ROLES), round(20 * scale)),
        audit_events=max(200, round(20_000 * scale)),
        # A second, smaller organisation: its rows must never show in the first one's pages.
        other_teams=min(max(2, round(scale)), 50),
        other_users=max(len(DESIGNATED_ROLES), round(2 * scale)),
        other_audit_events=max(50, round(2_000 * scale)),
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


def generate(scale: float, *, report: Callable[[str], None] = lambda line: None) -> Context:
    ctx = Context(scale=scale, sizes=sizes(scale), now=timezone.now(), report=report)
    for func in STEPS:
        started = perf_counter()
        report(f"  {func.__name__}...")
        rng = random.Random(f"{SEED}:{func.__name__}")
        func(ctx, scale, rng)
        report(f"  {func.__name__} done in {perf_counter() - started:.1f} s")
    return ctx


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
