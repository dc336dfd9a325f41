"""Browser journeys of the agenda and documents: an appointment typed on a phone, found in the
week, subscribed to as a calendar; a document added and downloaded at a desk."""

import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lien.casework.models import Appointment, Document
from lien.people import services as people_services
from tests.casework import agenda_helpers as samples
from tests.e2e.conftest import DESKTOP, PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir())


def sign_in(new_context, user, password, options) -> Page:
    page = new_context(**options).new_page()
    page.goto("/accounts/login/")
    log_in(page, user.email, password)
    page.wait_for_url(re.compile(r"/$"))
    return page


def main_width(page: Page) -> int:
    """The width of the page's content (the header is tested with the layout)."""
    return page.evaluate("document.querySelector('main').scrollWidth")


def test_an_appointment_typed_on_a_phone_shows_in_the_week_and_the_calendar_link(
    new_context, live_server, social_worker, team, password
):
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    page = sign_in(new_context, social_worker, password, PHONE)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    page.goto(f"/people/{person.public_id}/")
    page.click("#appointments-heading + a")
    page.wait_for_url(re.compile(r"/appointments/new/$"))
    assert not serious_accessibility_violations(page)
    page.screenshot(path=SCREENSHOTS / "lien-360-appointment-form.png", full_page=True)
    page.fill("input[name=title]", "CPAS Molenbeek")
    page.fill("input[name=starts_at]", f"{tomorrow.isoformat()}T10:30")
    page.fill("input[name=place]", "Rue Ransfort 27")
    page.click("main form.stack button[type=submit]")
    page.wait_for_url(re.compile(rf"/people/{person.public_id}/$"))
    expect(page.locator("section:has(#appointments-heading)")).to_contain_text("CPAS Molenbeek")
    appointment = Appointment.objects.get()
    assert timezone.localtime(appointment.starts_at).hour == 10
    assert timezone.localtime(appointment.ends_at).hour == 11

    page.goto(f"/casework/agenda/?day={tomorrow.isoformat()}")
    expect(page.locator("main")).to_contain_text("CPAS Molenbeek")
    expect(page.locator("main")).to_contain_text("10:30")
    page.screenshot(path=SCREENSHOTS / "lien-360-agenda.png", full_page=True)
    assert main_width(page) <= 360
    assert not serious_accessibility_violations(page)

    page.goto("/casework/calendar-link/")
    assert not serious_accessibility_violations(page)
    page.click("main form button.primary")
    address = page.input_value("#calendar-url")
    assert re.search(r"/casework/calendar/[\w-]+\.ics$", address)
    assert main_width(page) <= 360
    assert not serious_accessibility_violations(page)
    page.screenshot(path=SCREENSHOTS / "lien-360-calendar-link.png", full_page=True)
    feed = page.request.get(address)
    assert feed.status == 200
    # The feed speaks its owner's language (French by default) and names nobody.
    assert "Rendez-vous (Lien)" in feed.text() and "CPAS" not in feed.text()


def test_a_document_added_and_downloaded_at_a_desk(
    new_context, live_server, social_worker, team, password
):
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    upload = SCREENSHOTS / "lien-carte.png"
    upload.write_bytes(samples.png())
    page = sign_in(new_context, social_worker, password, DESKTOP)

    page.goto(f"/casework/people/{person.public_id}/documents/new/")
    assert not serious_accessibility_violations(page)
    page.set_input_files("input[name=file]", str(upload))
    page.fill("input[name=title]", "Carte d'identité")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/people/{person.public_id}/$"))
    document = Document.objects.get()
    link = page.get_by_role("link", name="Carte d'identité")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "lien-carte.png"
    assert Path(download.path()).read_bytes() == samples.png()
    assert document.content_type == "image/png"
    assert not serious_accessibility_violations(page)
