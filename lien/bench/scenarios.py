"""The pages the benchmark times. Add one with `@scenario`: a function that receives the
logged-in user (None when anonymous) and returns the request to time.

The function runs once, untimed, before the runs: pick the record a page is about there
(`Person.objects.visible_to(user)...`), so that only the request itself is measured.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role, User
from lien.bench import generator
from lien.casework.models import JournalEntry
from lien.outreach.models import Encounter


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    build: Callable[[User | None], Request]
    as_role: str | None
    expect_status: int
    description: str

    def user(self) -> User | None:
        """The bench user whose role the scenario runs as (the generator creates one per role)."""
        return generator.bench_user(self.as_role) if self.as_role else None


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *, as_role: str | None = None, expect_status: int = 200):
    def decorator(build: Callable[[User | None], Request]):
        if name in SCENARIOS:
            raise ValueError(f"scenario {name!r} is registered twice")
        description = (build.__doc__ or "").strip()
        SCENARIOS[name] = Scenario(name, build, as_role, expect_status, description)
        return build

    return decorator


@scenario("login_page")
def login_page(user: None) -> Request:
    """The login page, anonymous."""
    return Request(reverse("account_login"))


@scenario("today", as_role=Role.COORDINATOR)
def today(user: User) -> Request:
    """The Today page of a coordinator of several teams: their procedures due, CPAS decisions
    due, referrals waiting for an answer, people not seen for a while."""
    return Request(reverse("web:today"))


# A variant spelling of the most common first name: found through the search keys (Mohamed,
# Mohammed, Muhammad...) as well as by name fragment; enough matches to fill a page.
PERSON_SEARCH_QUERY = "Muhammad"


@scenario("person_search", as_role=Role.COORDINATOR)
def person_search(user: User) -> Request:
    """The people list searched for a variant spelling of a common name, by a coordinator."""
    return Request(reverse("people:person_list"), data={"q": PERSON_SEARCH_QUERY})


def _busiest_file(coordinator: User):
    """The public id of the followed person with the longest journal the coordinator reads."""
    busiest = (
        JournalEntry.objects.visible_to(coordinator)
        .values("person__public_id")
        .annotate(entries=Count("pk"))
        .order_by("-entries", "person__public_id")
        .first()
    )
    if busiest is None:
        raise LookupError("the coordinator sees no journal entry: generate casework first")
    return busiest["person__public_id"]


@scenario("person_file", as_role=Role.COORDINATOR)
def person_file(user: User) -> Request:
    """The file of the followed person with the longest journal, for a coordinator: identity,
    procedures under way, referrals, circle, and the latest of the timeline."""
    return Request(reverse("people:person_detail", args=[_busiest_file(user)]))


@scenario("audit_list", as_role=Role.ADMIN)
def audit_list(user: User) -> Request:
    """The first page of the organisation's audit trail (accounts and casework), for an
    admin."""
    return Request(reverse("audit:event_list"))


@scenario("audit_person_history", as_role=Role.ADMIN)
def audit_person_history(user: User) -> Request:
    """The audit history of the busiest person file (who read or changed it), for an admin."""
    public_id = _busiest_file(generator.bench_user(Role.COORDINATOR))
    return Request(reverse("audit:object_history", args=["people.person", public_id]))


@scenario("encounter_form", as_role=Role.SOCIAL_WORKER)
def encounter_form(user: User) -> Request:
    """The quick encounter form a street worker opens on their phone, in the field with the
    busiest street-work team (a presence under way)."""
    return Request(reverse("outreach:encounter_new"))


class _FreshToken:
    """A form value that is a new UUID each time it is sent: every timed run of
    `encounter_submit` records a new encounter instead of replaying the first one."""

    def __str__(self) -> str:
        import uuid

        return str(uuid.uuid4())


@scenario("encounter_submit", as_role=Role.SOCIAL_WORKER, expect_status=302)
def encounter_submit(user: User) -> Request:
    """A typical anonymous encounter posted during the presence under way, at its place: three
    young men 18–21, one theme."""
    from lien.outreach.models import Presence, Theme

    presence = Presence.objects.visible_to(user).under_way().filter(workers=user).first()
    if presence is None:
        raise LookupError("the social worker is not in the field: generate street work first")
    data = {"client_token": _FreshToken(), "team": str(presence.team.public_id), "kind": "street"}
    # The place the form offers: the first of the presence's places.
    place = presence.places.order_by("name").first()
    if place is not None:
        data["place"] = str(place.public_id)
    data["count_18-21_m"] = "3"
    theme = Theme.objects.visible_to(user).order_by("pk").first()
    if theme is not None:
        data["themes"] = [str(theme.public_id)]
    return Request(reverse("outreach:encounter_new"), method="POST", data=data)


TERRITORY_DAYS = 90


@scenario("territory_page", as_role=Role.SOCIAL_WORKER)
def territory_page(user: User) -> Request:
    """The page of the neighbourhood where the social worker's teams met the most people over
    the last 90 days: presence, people met by age band and gender, themes, observations,
    mediations, visits, places, encounters per week."""
    since = timezone.now() - datetime.timedelta(days=TERRITORY_DAYS)
    busiest = (
        Encounter.objects.visible_to(user)
        .filter(occurred_at__gte=since, territory__isnull=False)
        .values("territory__public_id")
        .annotate(encounters=Count("pk"))
        .order_by("-encounters", "territory__public_id")
        .first()
    )
    if busiest is None:
        raise LookupError("the social worker's teams met nobody lately: generate street work")
    path = reverse("outreach:territory_page", args=[busiest["territory__public_id"]])
    return Request(path, data={"days": str(TERRITORY_DAYS)})
