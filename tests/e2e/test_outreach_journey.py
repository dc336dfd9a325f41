"""A street worker's round on a 360 px phone: start a presence, log three encounters (one with
a person created from a nickname, two anonymous groups), end the presence."""

import re

import pytest
from playwright.sync_api import expect

from lien.outreach.models import Encounter, Place, Presence, Territory
from lien.outreach.vocabulary import seed_vocabulary
from lien.people.models import Person
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

SAVE = "#encounter-form button.primary"


def test_a_round_in_the_street_on_a_phone(new_context, live_server, social_worker, password):
    organisation = social_worker.organisation
    seed_vocabulary(organisation=organisation)
    territory = Territory.objects.create(
        organisation=organisation, name_fr="Gare de l'Ouest", name_nl="Weststation"
    )
    Place.objects.create(
        organisation=organisation, territory=territory, name="Parc Marie-José", kind="park"
    )
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, social_worker.email, password)
    page.wait_for_url(re.compile(r"/$"))

    # Start a presence: team and neighbourhood proposed, the place ticked.
    page.goto("/outreach/")
    page.click("a[href$='/outreach/presences/start/']")
    page.select_option("select[name=territory]", label="Gare de l'Ouest")
    page.get_by_label("Parc Marie-José").check()
    page.click("main form button[type=submit]")
    page.wait_for_url("**/outreach/encounters/new/")
    assert Presence.objects.get().is_under_way

    # The form fits the phone and passes axe-core.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not serious_accessibility_violations(page)

    # 1. A person known by a nickname only: a file is created from it, inside the encounter
    # form, which keeps the theme already ticked.
    page.get_by_label("Logement").check()
    page.fill("input[name='quick-nickname']", "Zaza")
    page.click("#encounter-form button[name=quick_create]")
    expect(page.locator("#named-heading + ul")).to_contain_text("Zaza")
    expect(page.get_by_label("Logement")).to_be_checked()
    page.click(SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")
    expect(page.locator(".messages")).to_be_visible()

    # 2. The typical anonymous encounter: three young men 18–21 talking about work. Count
    # what the worker does after the form opens.
    actions = []
    page.fill("input[name='count_18-21_m']", "3")
    actions.append("type 3 in 18–21 men")
    page.get_by_label("Emploi / formation").check()
    actions.append("tick employment")
    page.click(SAVE)
    actions.append("save")
    page.wait_for_url("**/outreach/encounters/new/?saved=1")
    assert len(actions) <= 6

    # 3. A mixed group, one of them behind "more ages and genders".
    page.fill("input[name='count_15-17_f']", "2")
    page.locator("details:has(input[name='count_lt15_u']) > summary").click()
    page.fill("input[name='count_lt15_u']", "1")
    page.click(SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")

    # End the presence.
    page.goto("/outreach/")
    page.click("a[href*='/end/']")
    page.fill("input[name=atmosphere]", "calme")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/outreach/")

    presence = Presence.objects.get()
    assert presence.ended_at is not None and presence.atmosphere == "calme"
    encounters = Encounter.objects.filter(presence=presence)
    assert encounters.count() == 3
    zaza = Person.objects.get(nickname="Zaza")
    assert encounters.filter(persons=zaza).count() == 1
    typical = encounters.get(counts__age_band="18-21")
    assert typical.place.name == "Parc Marie-José"
    assert list(typical.themes.values_list("code", flat=True)) == ["employment"]
    counts = sorted(
        encounters.values_list("counts__age_band", "counts__gender", "counts__count").exclude(
            counts__isnull=True
        )
    )
    assert counts == [("15-17", "F", 2), ("18-21", "M", 3), ("lt15", "?", 1)]
