"""Browser journeys: Playwright drives the system Chromium against pytest-django's live server.

Chromium comes from the Debian package, never from `playwright install`. When it is missing
these tests fail loudly: CI installs it, and a browser test that skips proves nothing.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls from
# the test body unless told the loop is not ours to protect.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package `chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, started only once the test database exists: session fixtures
    are set up before function ones, so without this the server would start first and, on
    in-memory SQLite, open a connection of its own instead of sharing the test's."""
    return live_server


@pytest.fixture
def new_context(browser, live_server):
    """Open a fresh browser context (own cookies) on the live server; closed after the test."""
    # Rate limits live in the database cache, which a flush leaves alone: start each journey
    # from a clean slate so logins made by other tests in this worker never count.
    cache.clear()
    contexts: list[BrowserContext] = []

    def open_context(**options) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale="fr-BE", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context(**DESKTOP).new_page()


@pytest.fixture
def phone(new_context) -> Page:
    return new_context(**PHONE).new_page()


def log_in(page: Page, email: str, password: str) -> None:
    """Fill the login form of the page currently open and submit it."""
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


def open_menu(page: Page) -> None:
    menu = page.locator("details.menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")


def log_out(page: Page) -> None:
    open_menu(page)
    page.locator("details.menu form[action$='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/")


def serious_accessibility_violations(page: Page) -> list[str]:
    """Run axe-core on the page; list the serious and critical violations as `rule: targets`."""
    results = Axe().run(page).response
    # An empty result could also mean axe never ran: make sure it checked something.
    assert results["passes"], "axe-core reported no rule at all"
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
