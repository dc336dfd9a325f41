"""The pages the benchmark times. Add one with `@scenario`: a function that receives the
logged-in user (None when anonymous) and returns the request to time.

The function runs once, untimed, before the runs: pick the record a page is about there
(`Person.objects.visible_to(user)...`), so that only the request itself is measured.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from lien.accounts.models import Role, User
from lien.bench import generator


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
    """The Today page of a coordinator of several teams."""
    return Request(reverse("web:today"))


@scenario("audit_list", as_role=Role.ADMIN)
def audit_list(user: User) -> Request:
    """The first page of the organisation's audit trail, for an admin."""
    return Request(reverse("audit:event_list"))
