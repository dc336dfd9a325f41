"""The street-work pages beyond the round itself, on a 360 px phone, each opened by those who
may: the vocabularies (neighbourhoods, places, themes) and the counters' set-up by an admin,
the daily counts and the team's observations by a field volunteer, mediations by a social
worker, the figures (overview, a neighbourhood, a place, the map without tiles) and the
histories of changes by a coordinator. Each page is no wider than the phone and has no serious
axe-core violation; each management screen takes one real action from the keyboard; bad input
is answered beside its field with what was typed kept. Fields are found by name and value,
never by their label, so the tests run whatever the interface language."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from lien.accounts.models import Role
from lien.outreach import services, services_counters, services_records
from lien.outreach import services_observations as observations
from lien.outreach.models import CounterType, DailyCount, Encounter, Place, Territory, Theme
from lien.outreach.vocabulary import seed_vocabulary
from lien.people.services import create_person
from tests.e2e.conftest import PHONE, log_in, serious_accessibility_violations

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]
MESSAGES = ".messages"


# What sticks out on the right (the outermost elements, and positioned ones, which a scrolling
# box does not hold unless it is positioned itself), to say what to fix when a page is too wide.
WIDER_THAN_THE_SCREEN = """width => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .filter(e => ["absolute", "fixed"].includes(getComputedStyle(e).position)
        || !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 0.5))
    .slice(0, 5)
    .map(e => e.outerHTML.slice(0, 160))"""


def _fits_and_is_accessible(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, (
        f"{page.url} is {width} px wide: {page.evaluate(WIDER_THAN_THE_SCREEN, WIDTH)}"
    )
    violations = serious_accessibility_violations(page)
    assert not violations, f"{page.url}: {violations}"


def _opens(page: Page, path: str) -> None:
    """Go to `path`, which answers 200, and check the page."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response}"
    _fits_and_is_accessible(page)


def _phone_of(new_context, user, password) -> Page:
    page = new_context(**PHONE).new_page()
    page.goto("/accounts/login/")
    log_in(page, user.email, password)
    page.wait_for_url(re.compile(r"/$"))
    return page


def _press_and_load(page: Page, locator, key: str = "Enter") -> None:
    """Focus `locator`, press `key` there and wait for the page it loads."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press(key)


def _history(record) -> str:
    return reverse("audit:record_history", args=[record._meta.label_lower, record.public_id])


def _street_work(*, social_worker, volunteer, team) -> dict:
    """A neighbourhood with a place on the map and one without coordinates; a round of the
    volunteer (an ended presence, encounters over four weeks, a visit, an observation), a
    mediation naming Kiki; each changed once afterwards, so that each has a history."""
    organisation = team.organisation
    seed_vocabulary(organisation=organisation)
    housing = Theme.objects.get(organisation=organisation, code="housing")
    territory = Territory.objects.create(
        organisation=organisation, name_fr="Gare de l'Ouest", name_nl="Weststation", code="21004"
    )
    park = Place.objects.create(
        organisation=organisation,
        territory=territory,
        name="Parc Marie-José",
        kind="park",
        latitude=Decimal("50.849000"),
        longitude=Decimal("4.320900"),
    )
    square = Place.objects.create(
        organisation=organisation,
        territory=territory,
        name="Place de la Duchesse de Brabant",
        kind="square",
    )
    kiki = create_person(by=social_worker, team=team, data={"nickname": "Kiki"})
    now = timezone.now()
    presence = services.start_presence(
        by=volunteer,
        team=team,
        territory=territory,
        places=[park],
        started_at=now - datetime.timedelta(hours=2),
    )
    services.end_presence(by=volunteer, presence=presence, atmosphere="calme", logbook="Calme")
    presence.refresh_from_db()
    services_records.update_presence(
        by=volunteer,
        presence=presence,
        version=presence.version,
        data={"logbook": "Calme, puis un groupe au square"},
        places=[park, square],
    )
    encounters = []
    for days_ago, count in ((0, 3), (9, 2), (23, 4)):
        encounter, _created = services.record_encounter(
            by=volunteer,
            team=team,
            client_token=uuid.uuid4(),
            occurred_at=now - datetime.timedelta(days=days_ago, hours=1),
            presence=presence if days_ago == 0 else None,
            place=park,
            counts=[services.Cell("18-21", "M", count)],
            themes=[housing],
        )
        encounters.append(encounter)
    encounter = Encounter.objects.get(pk=encounters[0].pk)
    services_records.update_encounter(
        by=volunteer,
        encounter=encounter,
        version=encounter.version,
        data={"note": "Cherchent un logement"},
        persons=[],
        counts=[services_records.CountCell("18-21", "M", False, 4)],
        themes=[housing],
    )
    passage, _created = services.record_passage(
        by=volunteer,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=now - datetime.timedelta(hours=1),
        age_band="18-21",
        services=["shower"],
        place=square,
    )
    services_records.update_passage(
        by=volunteer,
        passage=passage,
        version=passage.version,
        data={"services": ["shower", "laundry"]},
    )
    observation, _created = observations.record_observation(
        by=volunteer,
        team=team,
        client_token=uuid.uuid4(),
        observed_at=now - datetime.timedelta(minutes=90),
        category="gathering",
        text="Groupe de jeunes près des bancs",
        territory=territory,
        place=park,
        people_present=8,
    )
    observations.update_observation(
        by=volunteer,
        observation=observation,
        version=observation.version,
        data={"text": "Groupe de jeunes près des bancs, ambiance calme"},
        measures={},
    )
    mediation, _created = observations.record_mediation(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=now - datetime.timedelta(minutes=80),
        nature="shops",
        territory=territory,
        place=park,
        parties_description="Un commerçant et trois jeunes",
        persons=[kiki],
        outcome="Accord pour se parler",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    observations.update_mediation(
        by=social_worker,
        mediation=mediation,
        version=mediation.version,
        data={"outcome": "Accord pour se parler chaque semaine"},
        persons=[kiki],
    )
    return {
        "territory": territory,
        "park": park,
        "square": square,
        "presence": presence,
        "encounter": encounters[0],
        "passage": passage,
        "observation": observation,
        "mediation": mediation,
    }


def test_an_admin_sets_up_neighbourhoods_places_themes_and_counters(
    new_context, live_server, admin, team, password
):
    organisation = admin.organisation
    seed_vocabulary(organisation=organisation)
    territory = Territory.objects.create(
        organisation=organisation, name_fr="Gare de l'Ouest", name_nl="Weststation", code="21004"
    )
    place = Place.objects.create(
        organisation=organisation, territory=territory, name="Parc Marie-José", kind="park"
    )
    health = Theme.objects.get(organisation=organisation, code="health")
    counter = CounterType.objects.create(organisation=organisation, label_fr="Douches")
    page = _phone_of(new_context, admin, password)

    # Neighbourhoods: a new one typed, saved with Enter.
    _opens(page, "/outreach/manage/neighbourhoods/")
    _opens(page, f"/outreach/manage/neighbourhoods/{territory.public_id}/edit/")
    _opens(page, "/outreach/manage/neighbourhoods/new/")
    page.locator("input[name=name_fr]").press_sequentially("Anneessens")
    page.locator("input[name=name_nl]").press_sequentially("Anneessens")
    _press_and_load(page, page.locator("input[name=code]"))
    expect(page).to_have_url(re.compile(r"/outreach/manage/neighbourhoods/$"))
    expect(page.locator(MESSAGES)).to_be_visible()
    expect(page.locator("main table tbody")).to_contain_text("Anneessens")
    _fits_and_is_accessible(page)
    assert Territory.objects.filter(organisation=organisation, name_fr="Anneessens").exists()

    # Places: a latitude of 200 is refused beside it, everything typed kept; corrected from
    # the keyboard, the place is listed with its coordinates.
    _opens(page, "/outreach/manage/places/")
    _opens(page, f"/outreach/manage/places/{place.public_id}/edit/")
    _opens(page, "/outreach/manage/places/new/")
    page.locator("input[name=name]").press_sequentially("Square Vandervelde")
    page.select_option("select[name=kind]", value="square")
    page.select_option("select[name=territory]", value=str(territory.public_id))
    latitude = page.locator("input[name=latitude]")
    longitude = page.locator("input[name=longitude]")
    latitude.press_sequentially("200")
    longitude.press_sequentially("4.337")
    _press_and_load(page, longitude)
    expect(page.locator(".field:has(input[name=latitude]) .errors")).to_contain_text("90")
    expect(page.locator(".field:has(input[name=longitude]) .errors")).to_have_count(0)
    expect(page.locator("input[name=name]")).to_have_value("Square Vandervelde")
    expect(page.locator("select[name=kind]")).to_have_value("square")
    expect(latitude).to_have_value("200")
    expect(longitude).to_have_value("4.337")
    _fits_and_is_accessible(page)
    assert not Place.objects.filter(name="Square Vandervelde").exists()
    latitude.press("Control+a")
    latitude.press_sequentially("50.8466")
    _press_and_load(page, latitude)
    expect(page).to_have_url(re.compile(r"/outreach/manage/places/$"))
    row = page.locator("main tbody tr", has_text="Square Vandervelde")
    expect(row).to_contain_text("50.8466, 4.3370")
    _fits_and_is_accessible(page)
    created = Place.objects.get(name="Square Vandervelde")
    assert (created.latitude, created.longitude) == (Decimal("50.8466"), Decimal("4.337"))
    assert created.territory == territory and created.kind == "square"

    # Themes: one archived from the keyboard, said so, moved to the archived ones.
    _opens(page, "/outreach/manage/themes/new/")
    _opens(page, f"/outreach/manage/themes/{health.public_id}/edit/")
    _opens(page, "/outreach/manage/themes/")
    _press_and_load(
        page, page.locator(f"form[action$='/themes/{health.public_id}/archive/'] button")
    )
    expect(page.locator(MESSAGES)).to_be_visible()
    expect(page.locator("section:has(#archived-heading)")).to_contain_text(health.code)
    expect(
        page.locator(f"form[action$='/themes/{health.public_id}/restore/'] button")
    ).to_be_visible()
    expect(page.locator(f"main table a[href*='{health.public_id}']")).to_have_count(0)
    _fits_and_is_accessible(page)
    health.refresh_from_db()
    assert health.archived_at is not None

    # Daily counters: a new one typed, saved with Enter.
    _opens(page, "/outreach/counters/types/")
    _opens(page, f"/outreach/counters/types/{counter.public_id}/edit/")
    _opens(page, "/outreach/counters/types/new/")
    page.locator("input[name=label_fr]").press_sequentially("Cafés")
    _press_and_load(page, page.locator("input[name=label_fr]"))
    expect(page).to_have_url(re.compile(r"/outreach/counters/types/$"))
    expect(page.locator("main ul.list")).to_contain_text("Cafés")
    _fits_and_is_accessible(page)
    assert CounterType.objects.filter(organisation=organisation, label_fr="Cafés").exists()


def test_a_field_volunteer_counts_the_day_and_reads_the_teams_observations(
    new_context, live_server, make_user, social_worker, team, password
):
    volunteer = make_user(
        Role.FIELD_VOLUNTEER,
        organisation=team.organisation,
        teams=[team],
        full_name="Vic Volunteer",
    )
    records = _street_work(social_worker=social_worker, volunteer=volunteer, team=team)
    showers = CounterType.objects.create(organisation=team.organisation, label_fr="Douches")
    coffees = CounterType.objects.create(
        organisation=team.organisation, label_fr="Cafés", team=team, position=1
    )
    today = timezone.localdate()
    for days_ago, count in ((3, 5), (10, 2)):
        services_counters.set_counts(
            by=volunteer,
            team=team,
            day=today - datetime.timedelta(days=days_ago),
            counts={showers: count, coffees: 1},
            versions={},
        )
    page = _phone_of(new_context, volunteer, password)

    # The day's counts: + twice and − once, from the keyboard.
    _opens(page, "/outreach/counters/")
    plus = page.locator(f"button[name=step][value='{showers.public_id}:1']")
    minus = page.locator(f"button[name=step][value='{showers.public_id}:-1']")
    shower_count = page.locator(f"input[name='c_{showers.public_id}']")
    coffee_count = page.locator(f"input[name='c_{coffees.public_id}']")
    _press_and_load(page, plus)
    expect(shower_count).to_have_value("1")
    _press_and_load(page, plus, " ")
    expect(shower_count).to_have_value("2")
    _press_and_load(page, minus)
    expect(shower_count).to_have_value("1")
    # A count typed and saved with Enter changes that count only.
    coffee_count.press("Control+a")
    coffee_count.press_sequentially("4")
    _press_and_load(page, coffee_count)
    expect(coffee_count).to_have_value("4")
    expect(shower_count).to_have_value("1")
    _fits_and_is_accessible(page)
    # A negative count is refused beside its counter, what was typed kept, nothing saved.
    coffee_count.press("Control+a")
    coffee_count.press_sequentially("-3")
    shower_count.press("Control+a")
    shower_count.press_sequentially("6")
    with page.expect_navigation():
        page.click("main form[method=post] button.primary")
    expect(page.locator(f"#counter-{coffees.public_id} .errors")).to_be_visible()
    expect(page.locator(f"#counter-{showers.public_id} .errors")).to_have_count(0)
    expect(coffee_count).to_have_value("-3")
    expect(shower_count).to_have_value("6")
    _fits_and_is_accessible(page)
    saved = dict(
        DailyCount.objects.filter(team=team, day=today).values_list("counter__label_fr", "count")
    )
    assert saved == {"Douches": 1, "Cafés": 4}

    # The team's observations, the volunteer's own one changed, and its history.
    observation = records["observation"]
    _opens(page, "/outreach/observations/")
    _opens(page, f"/outreach/observations/{observation.public_id}/")
    _opens(page, f"/outreach/observations/{observation.public_id}/edit/")
    _opens(page, "/outreach/observations/new/")
    # The history of each record of their round.
    for name in ("presence", "encounter", "passage", "observation"):
        _opens(page, _history(records[name]))
        expect(page.locator("main ol.history .before").first).to_be_visible()


def test_a_social_worker_reads_the_teams_mediations_and_closes_a_follow_up(
    new_context, live_server, make_user, social_worker, team, password
):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=team.organisation, teams=[team])
    mediation = _street_work(social_worker=social_worker, volunteer=volunteer, team=team)[
        "mediation"
    ]
    page = _phone_of(new_context, social_worker, password)

    _opens(page, "/outreach/mediations/")
    expect(page.locator(f"main a[href$='/mediations/{mediation.public_id}/']")).to_be_visible()
    _opens(page, f"/outreach/mediations/{mediation.public_id}/")
    expect(page.locator("main")).to_contain_text("Kiki")
    # Its follow-up marked done from the keyboard: said so, and no longer offered.
    done = page.locator(f"form[action$='/mediations/{mediation.public_id}/follow-up-done/'] button")
    _press_and_load(page, done)
    expect(page.locator(MESSAGES)).to_be_visible()
    expect(done).to_have_count(0)
    _fits_and_is_accessible(page)
    mediation.refresh_from_db()
    assert mediation.follow_up_done_at is not None
    _opens(page, f"/outreach/mediations/{mediation.public_id}/edit/")
    expect(page.locator("#mediation-form input[name=persons]:checked")).to_have_count(1)
    _opens(page, "/outreach/mediations/new/")
    _opens(page, _history(mediation))
    expect(page.locator("main ol.history .before").first).to_be_visible()


def test_a_coordinator_reads_the_figures_the_map_without_tiles_and_every_history(
    new_context, live_server, make_user, social_worker, team, password, settings
):
    settings.LIEN_MAP_TILE_URL = ""
    coordinator = make_user(
        Role.COORDINATOR, organisation=team.organisation, teams=[team], full_name="Cléo Coord"
    )
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=team.organisation, teams=[team])
    records = _street_work(social_worker=social_worker, volunteer=volunteer, team=team)
    territory, park, square = records["territory"], records["park"], records["square"]
    page = _phone_of(new_context, coordinator, password)

    _opens(page, "/outreach/neighbourhoods/")
    row = page.locator("main tbody tr", has_text=territory.name_fr)
    expect(row.locator("td").nth(2)).to_have_text("3")  # encounters
    # A neighbourhood: its encounters of three weeks as bars, and as a table.
    _opens(page, f"/outreach/neighbourhoods/{territory.public_id}/")
    expect(page.locator("svg.bar-chart rect")).to_have_count(3)
    weeks_met = page.locator("table:has(#weeks-caption) tbody td").filter(
        has_text=re.compile(r"^[1-9][0-9]*$")
    )
    expect(weeks_met).to_have_count(3)
    _opens(page, f"/outreach/places/{park.public_id}/")
    _opens(page, f"/outreach/places/{square.public_id}/")
    # No tile server: no map, the places with their counts.
    _opens(page, "/outreach/map/")
    expect(page.locator("#place-map")).to_have_count(0)
    row = page.locator("main tbody tr", has_text=park.name)
    expect(row.locator("td").nth(1)).to_have_text("3")  # encounters
    expect(page.locator("section:has(#quiet-heading)")).to_contain_text(square.name)

    # The histories of the team's records, whoever wrote them.
    for name in ("presence", "encounter", "passage", "observation", "mediation"):
        _opens(page, _history(records[name]))
        expect(page.locator("main ol.history .before").first).to_be_visible()
