"""The main pages on a 360 px phone and a desktop screen: nothing wider than the screen, the
menu reachable. The screenshots land in /tmp for a human to look at."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, open_menu

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir())
LONG_NAME = "Marie-Christine Vandenbroucke-Van den Bossche"


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    ("options", "name"), [(PHONE, "360"), (DESKTOP, "1280")], ids=["phone", "desktop"]
)
def test_login_and_today_fit_the_screen_and_the_menu_opens(
    new_context, live_server, make_user, organisation, team, password, options, name
):
    user = make_user(
        "social_worker",
        organisation=organisation,
        teams=[team],
        full_name=LONG_NAME,
        email="marie-christine.vandenbroucke@travail-de-rue.example.org",
    )
    page = new_context(**options).new_page()
    width = options["viewport"]["width"]

    page.goto("/accounts/login/")
    assert page_width(page) <= width
    page.screenshot(path=SCREENSHOTS / f"lien-{name}-login.png", full_page=True)

    log_in(page, user.email, password)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(team.name)
    assert page_width(page) <= width
    page.screenshot(path=SCREENSHOTS / f"lien-{name}-today.png", full_page=True)

    open_menu(page)
    logout = page.locator("details.menu form[action$='/accounts/logout/'] button")
    expect(logout).to_be_visible()
    expect(logout).to_be_in_viewport()
    assert page_width(page) <= width
    page.screenshot(path=SCREENSHOTS / f"lien-{name}-menu.png", full_page=True)
