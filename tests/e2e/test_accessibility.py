"""axe-core on the main pages, on a desktop and a 360 px phone: no serious or critical
violation (WCAG 2.1 AA: contrast, labels, names, landmarks)."""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("options", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_login_and_today_have_no_serious_accessibility_violation(
    new_context, live_server, social_worker, team, password, options
):
    page = new_context(**options).new_page()

    page.goto("/accounts/login/")
    violations = serious_accessibility_violations(page)
    assert not violations, f"login page: {violations}"

    log_in(page, "nobody@example.org", "not the password")
    page.wait_for_selector("main .errors")
    violations = serious_accessibility_violations(page)
    assert not violations, f"login page with an error: {violations}"

    log_in(page, social_worker.email, password)
    page.wait_for_url(f"{live_server.url}/")
    assert team.name in page.inner_text("main")
    violations = serious_accessibility_violations(page)
    assert not violations, f"today page: {violations}"
