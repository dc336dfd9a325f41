"""The partner directory on a 360 px phone: search, create, read, import a list; nothing wider
than the screen and no serious accessibility violation."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from lien.partners.models import Partner
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

LONG_NAME = "Service d'accompagnement social des locataires sociaux de Molenbeek-Saint-Jean"
LONG_URL = "https://www.partenaire.example/services/accompagnement-social-des-locataires-sociaux"


# Elements of the page's content that reach past the right edge of the screen.
OVERFLOWING = """(width) => [...document.querySelectorAll('main, main *')]
    .filter(e => e.getBoundingClientRect().right > width && !e.closest('.table-wrap'))
    .map(e => e.tagName + '.' + e.className)"""


def fits(page) -> None:
    """Nothing of the content wider than the phone (tables scroll inside their frame)."""
    assert page.evaluate(OVERFLOWING, PHONE["viewport"]["width"]) == [], page.url
    violations = serious_accessibility_violations(page)
    assert not violations, f"{page.url}: {violations}"


def partner_list_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Secteur", "Commune", "Téléphone", "Remarques"])
    sheet.append(["Resto du Cœur de Saint-Gilles", "aide alimentaire", "Saint-Gilles", "", ""])
    sheet.append(["Le Phare", "Astrologie", "Ixelles", "02 000 00 09", "=1+1"])
    sheet.append(["", "santé", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_social_worker_builds_the_directory_on_a_phone(
    new_context, live_server, social_worker, password
):
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, social_worker.email, password)
    page.wait_for_url(f"{live_server.url}/")

    page.goto("/partners/new/")
    fits(page)
    page.locator("#id_name").fill(LONG_NAME)
    page.locator("#id_sector").select_option("housing")
    page.locator("#id_website").fill(LONG_URL)
    page.locator("#id_languages").fill("FR, NL, arabe")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(LONG_NAME)
    fits(page)

    page.goto("/partners/import/")
    fits(page)
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "partenaires.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": partner_list_xlsx(),
            }
        ],
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    assert "Astrologie" in page.inner_text("main")
    fits(page)
    page.locator("form[action$='/partners/import/confirm/'] button").click()
    page.wait_for_url("**/partners/import/report/")
    fits(page)
    assert Partner.objects.filter(organisation=social_worker.organisation).count() == 3

    page.goto("/partners/?q=phare")
    fits(page)
    expect(page.locator("main .results li")).to_have_count(1)
