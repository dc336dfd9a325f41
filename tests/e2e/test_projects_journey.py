"""A street worker on a phone runs a collective project: creates it, adds an activity, records
who came (two named young people and an anonymous group) and reads the chart and its table."""

import re

import pytest
from playwright.sync_api import expect

from lien.people import services as people_services
from lien.projects.models import AnonymousParticipants, CollectiveProject, Participation
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_a_project_from_creation_to_its_participation_chart_on_a_phone(
    new_context, live_server, social_worker, team, password
):
    for data in ({"nickname": "Momo"}, {"first_name": "Aya", "last_name": "Benali"}):
        people_services.create_person(by=social_worker, team=team, data={**data, "niss": ""})
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, social_worker.email, password)
    page.wait_for_url(re.compile(r"/$"))

    # A new project: the public is proposed.
    page.goto("/projects/new/")
    expect(page.locator("input[name=public]")).not_to_have_value("")
    page.fill("input[name=title]", "Foot du mercredi")
    page.fill("textarea[name=goals]", "Se retrouver autour du sport")
    page.select_option("select[name=status]", "running")
    page.fill("input[name=starts_on]", "2026-03-04")
    page.fill("input[name=ends_on]", "2026-06-24")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/projects/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("Foot du mercredi")
    project = CollectiveProject.objects.get()

    # An activity, then its attendance.
    page.click(f"a[href$='/projects/{project.public_id}/activities/new/']")
    page.select_option("select[name=kind]", "session")
    page.fill("input[name=date]", "2026-03-11")
    page.fill("input[name=place]", "Parc de la Fonderie")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/projects/activities/[0-9a-f-]{36}/attendance/$"))

    # Find the two young people by name or nickname, tick them, count a group.
    page.fill("main input[name=q]", "Momo")
    page.click("main button[name=search]")
    page.locator("label", has_text="Momo").click()
    page.fill("main input[name=q]", "Benali")
    page.click("main button[name=search]")
    expect(page.locator("input[name=attended]:checked")).to_have_count(1)  # Momo stays ticked
    page.locator("label", has_text="Aya Benali").click()
    page.fill("input[name='n_15-17_m']", "4")
    page.fill("input[name='n_18-21_f']", "2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("main form button.primary")
    page.wait_for_url(f"**/projects/{project.public_id}/")

    assert Participation.objects.filter(attended=True).count() == 2
    assert sum(AnonymousParticipants.objects.values_list("count", flat=True)) == 6

    # The chart and the same figures in a table.
    chart = page.locator("svg.bar-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.chart-named")).to_have_count(1)
    expect(chart.locator("rect.chart-anonymous")).to_have_count(1)
    row = page.locator("table tbody tr").first
    expect(row.locator("td")).to_have_text([re.compile("Parc de la Fonderie"), "2", "6", "8"])
    assert not serious_accessibility_violations(page)
