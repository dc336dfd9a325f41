import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


def switch_language(page: Page, code: str) -> None:
    page.click(f"header form button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator(f"button[name=language][value={code}]")).to_have_attribute(
        "aria-current", "true"
    )


def test_the_language_chosen_before_login_stays_and_can_change_on_any_page(
    page, live_server, social_worker, team, password
):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    switch_language(page, "nl")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    log_in(page, social_worker.email, password)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    switch_language(page, "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(team.name)
    expect(page.locator("details.menu summary")).to_be_visible()

    switch_language(page, "fr")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(team.name)
