"""The audit trail paged by its links, on a 360 px phone: nothing wider than the screen, no
serious accessibility violation, plain links (no script) to go older and back."""

import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lien.audit.models import AuditEvent
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir())


def test_an_admin_pages_through_the_trail_on_a_phone(new_context, live_server, admin, password):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="user.changed", actor=admin, organisation=admin.organisation)
        for _ in range(120)
    )
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, admin.email, password)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(reverse("audit:event_list"))
    pager = page.locator("nav.pagination")
    assert pager.get_attribute("aria-label")
    first_rows = page.locator("main tbody tr").all_inner_texts()
    assert len(first_rows) == 50
    for link in pager.locator("a").all():
        assert link.evaluate("a => a.getAttributeNames().sort().join()") in {"href", "href,rel"}

    pager.locator("a[rel=next]").click()
    page.wait_for_url("**before=*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("nav.pagination a")).to_have_count(3)  # newest, newer, older
    violations = serious_accessibility_violations(page)
    assert not violations, f"audit trail, second page: {violations}"
    page.screenshot(path=SCREENSHOTS / "lien-360-audit-trail.png", full_page=True)

    page.locator("nav.pagination a[rel=prev]").click()
    page.wait_for_url("**after=*")
    assert page.locator("main tbody tr").all_inner_texts() == first_rows
