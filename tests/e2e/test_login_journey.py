import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from lien.audit.models import AuditEvent
from tests.e2e.conftest import log_in, log_out, serious_accessibility_violations

pytestmark = pytest.mark.browser


def submit_totp(page: Page, secret: str) -> None:
    totp = pyotp.TOTP(secret)
    # allauth accepts only the current code: never type one that expires on the way.
    remaining = totp.interval - time.time() % totp.interval
    if remaining < 3:
        time.sleep(remaining + 0.2)
    page.fill("input[name=code]", totp.now())
    page.click("main form button[type=submit]")


def confirm_password_if_asked(page: Page, password: str) -> None:
    """allauth asks for the password again before sensitive MFA pages (recovery codes)."""
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/reauthenticate/" not in url)


def test_a_social_worker_sets_up_a_second_factor_then_logs_in_with_it(
    page, live_server, settings, social_worker, team, password
):
    settings.LIEN_REQUIRE_MFA = True

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, social_worker.email, password)

    # Professional secrecy: no personal data before a second factor is in place.
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    confirm_password_if_asked(page, password)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    assert not serious_accessibility_violations(page)
    secret = page.locator("#authenticator_secret").get_attribute("value")
    assert secret
    submit_totp(page, secret)
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa)/"))
    confirm_password_if_asked(page, password)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))

    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_contain_text(team.name)

    log_out(page)
    expect(page.locator("input[name=login]")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    log_in(page, social_worker.email, password)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    expect(page.locator("input[name=code]")).to_be_visible()
    assert not serious_accessibility_violations(page)
    submit_totp(page, secret)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(team.name)

    events = AuditEvent.objects.filter(actor=social_worker)
    actions = list(events.values_list("action", flat=True))
    assert actions.count("auth.login") == 2
    assert actions.count("auth.logout") == 1
    added = sorted(
        t
        for fields in events.filter(action="mfa.added").values_list("fields", flat=True)
        for t in fields
    )
    assert added == ["recovery_codes", "totp"]
