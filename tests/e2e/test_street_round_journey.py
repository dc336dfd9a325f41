"""A whole street round on a 360 px phone: start a presence, log three encounters (one with a
person created from a nickname, two anonymous groups), an observation and a mediation naming
that person, end the presence. Fields are found by name and value, never by their label, so
the journey runs whatever the interface language; axe-core checks each form."""

import re

import pytest
from playwright.sync_api import expect

from lien.casework import timeline
from lien.outreach.models import (
    CounterType,
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
    Territory,
    Theme,
)
from lien.outreach.vocabulary import seed_vocabulary
from lien.people.models import Person
from lien.people.services import create_person
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

ENCOUNTER_SAVE = "#encounter-form button.primary"


def _fits_and_is_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not serious_accessibility_violations(page)


def test_a_round_with_an_observation_and_a_mediation_on_a_phone(
    new_context, live_server, social_worker, password
):
    organisation = social_worker.organisation
    seed_vocabulary(organisation=organisation)
    territory = Territory.objects.create(organisation=organisation, name_fr="Heyvaert")
    park = Place.objects.create(
        organisation=organisation, territory=territory, name="Parc de la Rosée", kind="park"
    )
    housing = Theme.objects.get(organisation=organisation, code="housing")
    employment = Theme.objects.get(organisation=organisation, code="employment")
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, social_worker.email, password)
    page.wait_for_url(re.compile(r"/$"))

    # Start a presence in Heyvaert, at the park.
    page.goto("/outreach/presences/start/")
    page.select_option("select[name=territory]", value=str(territory.public_id))
    page.check(f"input[name=places][value='{park.public_id}']")
    _fits_and_is_accessible(page)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/outreach/encounters/new/")

    # 1. A person known by a nickname: the theme and a note first, then their file, opened
    # from the encounter form, which keeps what was typed and names them.
    page.check(f"input[name=themes][value='{housing.public_id}']")
    page.locator("details:has(textarea[name=note]) > summary").click()
    page.fill("textarea[name=note]", "Cherche un logement")
    page.fill("#encounter-form input[name='quick-nickname']", "Kiki")
    page.click("#encounter-form button[name=quick_create]")
    expect(page.locator("#encounter-form input[name=persons]")).to_have_count(1)
    expect(page.locator(f"input[name=themes][value='{housing.public_id}']")).to_be_checked()
    expect(page.locator("textarea[name=note]")).to_have_value("Cherche un logement")
    _fits_and_is_accessible(page)
    page.click(ENCOUNTER_SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")

    # 2. and 3. Two anonymous groups.
    page.fill("input[name='count_18-21_m']", "4")
    page.check(f"input[name=themes][value='{employment.public_id}']")
    page.click(ENCOUNTER_SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")
    page.fill("input[name='count_15-17_f']", "2")
    page.fill("input[name='count_22-25_m']", "1")
    page.click(ENCOUNTER_SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")

    # An observation: the place of the presence is already chosen.
    page.goto("/outreach/")
    page.click("a[href$='/outreach/observations/new/']")
    page.wait_for_url("**/outreach/observations/new/")
    assert page.input_value("select[name=place]") == str(park.public_id)
    _fits_and_is_accessible(page)
    page.check("input[name=category][value=gathering]")
    page.fill("textarea[name=text]", "Groupe de jeunes près des bancs, ambiance calme.")
    page.fill("input[name=people_present]", "8")
    page.click("#observation-form button[type=submit]")
    page.wait_for_url("**/outreach/")

    # A mediation naming Kiki, found by a search made after typing the rest: nothing typed
    # is lost by the search.
    page.click("a[href$='/outreach/mediations/new/']")
    page.wait_for_url("**/outreach/mediations/new/")
    page.check("input[name=nature][value=shops]")
    page.fill("textarea[name=parties_description]", "Un commerçant et trois jeunes")
    page.fill("textarea[name=actions]", "Discussion avec chacun, puis ensemble")
    page.fill("textarea[name=outcome]", "Accord pour se parler")
    page.fill("input[name=follow_up_on]", "2099-01-01")
    page.fill("#mediation-form input[name=q]", "Kiki")
    page.click("#mediation-form button[name=search]")
    page.click("#mediation-form button[name=add_person]")
    expect(page.locator("#mediation-form input[name=persons]:checked")).to_have_count(1)
    expect(page.locator("textarea[name=actions]")).to_have_value(
        "Discussion avec chacun, puis ensemble"
    )
    expect(page.locator("input[name=follow_up_on]")).to_have_value("2099-01-01")
    _fits_and_is_accessible(page)
    page.click("#mediation-form button.primary")
    page.wait_for_url("**/outreach/")

    # End the presence.
    page.click("a[href*='/end/']")
    page.fill("input[name=atmosphere]", "calme")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/outreach/")
    _fits_and_is_accessible(page)

    presence = Presence.objects.get()
    assert presence.ended_at is not None
    kiki = Person.objects.get(nickname="Kiki")
    assert Encounter.objects.filter(presence=presence).count() == 3
    assert Encounter.objects.get(presence=presence, persons=kiki).note == "Cherche un logement"
    observation = Observation.objects.get()
    assert (observation.presence, observation.place, observation.territory) == (
        presence,
        park,
        territory,
    )
    assert (observation.category, observation.people_present) == ("gathering", 8)
    mediation = Mediation.objects.get()
    assert mediation.presence == presence and mediation.place == park
    assert list(mediation.persons.all()) == [kiki]
    assert mediation.follow_up_on.isoformat() == "2099-01-01"
    items, _more = timeline.for_person(social_worker, kiki)
    assert {item.kind for item in items} >= {"encounter", "mediation"}


def test_a_known_nickname_a_drop_in_visit_and_the_counts_on_a_phone(
    new_context, live_server, social_worker, password
):
    """Opening a file for a nickname someone already has shows them first, in the encounter
    form; a drop-in visit finds its person inside its form; both keep what was typed. The
    daily counts of the user's team fit the phone."""
    organisation = social_worker.organisation
    team = social_worker.team_memberships.get().team
    seed_vocabulary(organisation=organisation)
    kiki = create_person(by=social_worker, team=team, data={"nickname": "Kiki"})
    CounterType.objects.create(organisation=organisation, label_fr="Douches")
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, social_worker.email, password)
    page.wait_for_url(re.compile(r"/$"))

    # An anonymous count typed, then "Kiki" as a new file: Kiki is shown first.
    page.goto("/outreach/encounters/new/")
    page.fill("input[name='count_18-21_m']", "2")
    page.fill("#encounter-form input[name='quick-nickname']", "Kiki")
    page.click("#encounter-form button[name=quick_create]")
    expect(page.locator("#encounter-form input[name='quick-confirm_new']")).to_have_count(1)
    expect(page.locator("input[name='count_18-21_m']")).to_have_value("2")
    _fits_and_is_accessible(page)
    page.click(f"#encounter-form button[name=add_person][value='{kiki.public_id}']")
    expect(page.locator("#encounter-form input[name=persons]")).to_have_count(1)
    expect(page.locator("input[name='count_18-21_m']")).to_have_value("2")
    page.click(ENCOUNTER_SAVE)
    page.wait_for_url("**/outreach/encounters/new/?saved=1")
    encounter = Encounter.objects.get()
    assert list(encounter.persons.all()) == [kiki] and encounter.counts.get().count == 2
    assert Person.objects.filter(nickname="Kiki").count() == 1

    # A drop-in visit: services ticked first, then the person found and chosen.
    page.goto("/outreach/passages/new/")
    page.check("input[name=services][value=shower]")
    page.fill("#passage-form input[name=q]", "Kiki")
    page.click("#passage-form button[name=search]")
    page.click(f"#passage-form button[name=add_person][value='{kiki.public_id}']")
    expect(page.locator("input[name=services][value=shower]")).to_be_checked()
    expect(page.locator("#passage-form input[name=person]")).to_have_value(str(kiki.public_id))
    _fits_and_is_accessible(page)
    page.click("#passage-form button.primary")
    page.wait_for_url("**/outreach/passages/new/")
    passage = Passage.objects.get()
    assert passage.person == kiki and passage.services == ["shower"]

    # The day's counts of the team, asked by its id.
    page.goto(f"/outreach/counters/?team={team.public_id}")
    _fits_and_is_accessible(page)
