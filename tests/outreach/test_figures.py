"""A neighbourhood's figures, the overview, a place's page and the map."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.outreach import figures, mapping, services
from lien.outreach import services_observations as observations
from lien.outreach.models import Place, Presence, Territory
from lien.outreach.services import Cell
from lien.people.services import create_person
from tests.factories import TeamFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def marie_jose(place):
    Place.objects.filter(pk=place.pk).update(latitude="50.8560", longitude="4.3190")
    place.refresh_from_db()
    return place


def _presence(by, team, territory, started_at, hours):
    presence = services.start_presence(by=by, team=team, territory=territory, started_at=started_at)
    services.end_presence(
        by=by, presence=presence, ended_at=started_at + datetime.timedelta(hours=hours)
    )
    return presence


def _street_work(by, team, territory, place, themes, *, size=1, days_ago=3):
    """`size` rounds of a presence, three encounters, an observation, a mediation, a visit."""
    now = timezone.now() - days_ago * DAY
    for i in range(size):
        when = now - datetime.timedelta(hours=i)
        presence = _presence(by, team, territory, when - datetime.timedelta(hours=1), 1.5)
        person = create_person(
            by=by, team=team, data={"nickname": f"Surnom{i}", "birth_year": 2006}
        )
        for counts, persons, theme in [
            ([Cell("18-21", "M", 3), Cell("15-17", "F", 2)], [], "housing"),
            ([Cell("gt25", "X", 1)], [person], "health"),
            ([], [person], "housing"),
        ]:
            services.record_encounter(
                by=by,
                team=team,
                client_token=uuid.uuid4(),
                occurred_at=when,
                presence=presence,
                place=place,
                persons=persons,
                counts=counts,
                themes=[themes[theme]],
            )
        observations.record_observation(
            by=by,
            team=team,
            client_token=uuid.uuid4(),
            observed_at=when,
            category="gathering",
            text="Groupe",
            place=place,
        )
        observations.record_mediation(
            by=by,
            team=team,
            client_token=uuid.uuid4(),
            occurred_at=when,
            nature="neighbours",
            place=place,
            parties_description="Des jeunes et un commerçant",
        )
        services.record_passage(
            by=by, team=team, client_token=uuid.uuid4(), occurred_at=when, place=place
        )


def test_a_neighbourhoods_figures(social_worker, team, territory, place, themes, organisation):
    _street_work(social_worker, team, territory, place, themes, size=2)
    # Work outside the period does not count.
    _street_work(social_worker, team, territory, place, themes, size=1, days_ago=200)

    data = figures.territory_figures(social_worker, territory, figures.Period.last_days(90))
    assert (data.presences, data.presence_hours) == (2, 3.0)
    assert data.encounters == 6
    people = data.people
    assert (people.anonymous, people.named) == (12, 4)
    assert people.cells[("18-21", "M")] == 6 and people.cells[("15-17", "F")] == 4
    # Named people born in 2006 fall in the 18–21 or 15–17 band by the period's year.
    age = data.period.end.year - 2006
    assert people.cells[(figures.band_of_age(age), "?")] == 4
    assert [(row["theme"].code, row["count"]) for row in data.themes] == [
        ("housing", 4),
        ("health", 2),
    ]
    assert [(row["code"], row["count"]) for row in data.observations] == [("gathering", 2)]
    assert [(row["code"], row["count"]) for row in data.mediations] == [("neighbours", 2)]
    assert (data.passages, data.passages_named) == (2, 0)
    assert sum(week.count for week in data.weeks) == 6
    assert [p.encounter_count for p in data.places] == [6]
    assert data.places[0].people_count == 16


def test_the_figures_are_those_of_the_users_teams(
    social_worker, make_user, organisation, team, territory, place, themes
):
    _street_work(social_worker, team, territory, place, themes)
    elsewhere = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[TeamFactory()])
    data = figures.territory_figures(elsewhere, territory, figures.Period.last_days(90))
    assert (data.encounters, data.presences, data.people.total, data.passages) == (0, 0, 0, 0)
    assert data.observations == [] and data.mediations == []


def test_ages_fall_in_the_configured_bands():
    assert [figures.band_of_age(a) for a in (3, 14, 15, 17, 18, 21, 22, 25, 26, 80, None)] == [
        "lt15",
        "lt15",
        "15-17",
        "15-17",
        "18-21",
        "18-21",
        "22-25",
        "22-25",
        "gt25",
        "gt25",
        figures.UNKNOWN_AGE,
    ]


def test_hours_sum_end_minus_start_of_ended_presences_only(
    social_worker, team, territory, organisation
):
    now = timezone.now()
    _presence(social_worker, team, territory, now - 2 * DAY, 2.5)
    _presence(social_worker, team, territory, now - 3 * DAY, 0.5)
    services.start_presence(by=social_worker, team=team, territory=territory)  # under way
    Presence.objects.create(
        organisation=organisation,
        team=team,
        territory=territory,
        date=(now - DAY).date(),
        started_at=now - DAY,
        ended_at=now - DAY + datetime.timedelta(hours=4),
        archived_at=now,
    )
    data = figures.territory_figures(social_worker, territory, figures.Period.last_days())
    assert (data.presences, data.presence_hours) == (2, 3.0)


def test_weeks_cover_the_whole_period():
    period = figures.Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
    weeks = period.weeks()
    assert weeks[0] == datetime.date(2025, 12, 29) and weeks[-1] == datetime.date(2026, 3, 30)
    assert all(w.weekday() == 0 for w in weeks) and len(weeks) == 14
    bars, top = figures.week_bars([figures.Week(w, i) for i, w in enumerate(weeks)])
    assert top == 13 and bars[0].height == 0 and bars[-1].y < bars[1].y
    assert sum(bar.labelled for bar in bars) <= 8


# Session, user and roles (3); the neighbourhood (1); its figures (9: encounters per week and
# place, their anonymous counts and named people, themes, presence hours, observations,
# mediations, visits, its places); the session's idle time saved (3).
TERRITORY_PAGE_QUERIES = 16


@pytest.mark.parametrize("size", [1, 4])
def test_the_territory_page_costs_the_same_queries_whatever_the_data(
    client,
    coordinator,
    social_worker,
    team,
    territory,
    place,
    themes,
    size,
    django_assert_num_queries,
):
    _street_work(social_worker, team, territory, place, themes, size=size)
    for i in range(size):
        Place.objects.create(organisation=territory.organisation, territory=territory, name=f"P{i}")
    client.force_login(coordinator)
    url = reverse("outreach:territory_page", args=[territory.public_id])
    with django_assert_num_queries(TERRITORY_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["figures"].encounters == 3 * size
    assert '<svg class="bar-chart"' in response.text and "<caption" in response.text


def test_the_territory_page_for_a_volunteer_hides_mediations(
    client, volunteer, social_worker, team, territory, place, themes
):
    _street_work(social_worker, team, territory, place, themes)
    client.cookies["django_language"] = "en"
    client.force_login(volunteer)
    response = client.get(reverse("outreach:territory_page", args=[territory.public_id]))
    assert response.status_code == 200
    assert "Mediations by nature" not in response.text
    assert response.context["figures"].mediations == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-02-01&end=2026-01-01", "end"),
        ("start=2026-01-01&end=2099-01-01", "end"),
        ("start=1990-01-01&end=2026-01-01", "start"),
        ("start=0001-01-01", "start"),
        ("start=yesterday", "start"),
    ],
)
def test_a_wrong_period_is_explained_and_the_last_90_days_shown(
    client, social_worker, territory, query, field
):
    client.force_login(social_worker)
    url = reverse("outreach:territory_page", args=[territory.public_id]) + "?" + query
    response = client.get(url)
    assert response.status_code == 200
    assert field in response.context["period_form"].errors
    assert response.context["period"].days == 90


def test_a_chosen_period_and_a_preset(client, social_worker, territory):
    client.force_login(social_worker)
    url = reverse("outreach:territory_page", args=[territory.public_id])
    response = client.get(url + "?start=2026-01-05&end=2026-01-18")
    period = response.context["period"]
    assert (period.start, period.end, len(response.context["bars"])) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 18),
        2,
    )
    assert client.get(url + "?days=30").context["period"].days == 30


@pytest.mark.parametrize("size", [1, 4])
def test_the_overview_lists_every_neighbourhood_in_a_fixed_number_of_queries(
    client,
    coordinator,
    social_worker,
    team,
    territory,
    place,
    themes,
    organisation,
    size,
    django_assert_max_num_queries,
):
    _street_work(social_worker, team, territory, place, themes, size=size)
    for i in range(size):
        Territory.objects.create(organisation=organisation, name_fr=f"Quartier {i}")
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outreach:overview"))
    rows = {t.pk: t for t in response.context["territories"]}
    assert len(rows) == size + 1
    assert rows[territory.pk].encounter_count == 3 * size
    assert rows[territory.pk].people_count == 8 * size
    assert rows[territory.pk].presence_hours == 1.5 * size
    assert rows[territory.pk].observation_count == size


@pytest.mark.parametrize("size", [1, 4])
def test_a_places_page_shows_its_recent_activity_without_names(
    client,
    coordinator,
    social_worker,
    team,
    territory,
    place,
    themes,
    size,
    django_assert_max_num_queries,
):
    _street_work(social_worker, team, territory, place, themes, size=size)
    services.start_presence(by=social_worker, team=team, territory=territory, places=[place])
    client.force_login(coordinator)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("outreach:place_page", args=[place.public_id]))
    assert response.status_code == 200
    assert response.context["figures"].encounters == 3 * size
    assert len(response.context["observations"]) == size
    assert len(response.context["mediations"]) == size
    assert len(response.context["presences"]) == 1
    assert "Surnom" not in response.text  # counts, never names


def test_a_place_of_another_organisation_is_404(client, make_user, other_organisation, place):
    client.force_login(make_user(Role.COORDINATOR, organisation=other_organisation))
    assert client.get(reverse("outreach:place_page", args=[place.public_id])).status_code == 404
    page = reverse("outreach:territory_page", args=[place.territory.public_id])
    assert client.get(page).status_code == 404


# The map ----------------------------------------------------------------------------------


def _csp(response) -> str:
    return response["Content-Security-Policy"]


def test_without_a_tile_server_the_map_page_is_a_list(
    client, settings, social_worker, team, territory, marie_jose, themes
):
    settings.LIEN_MAP_TILE_URL = ""
    _street_work(social_worker, team, territory, marie_jose, themes)
    client.force_login(social_worker)
    response = client.get(reverse("outreach:map"))
    assert response.status_code == 200
    assert "leaflet" not in response.text
    assert [p.pk for p in response.context["active"]] == [marie_jose.pk]
    img_src = re.search(r"img-src ([^;]*)", _csp(response))[1]
    assert img_src.split() == ["'self'", "data:"]


def test_with_a_tile_server_the_map_page_allows_its_host_only(
    client, settings, social_worker, team, territory, marie_jose, place, themes, organisation
):
    settings.LIEN_MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    settings.LIEN_MAP_ATTRIBUTION = '© <a href="https://example.org">Example</a>'
    no_coordinates = Place.objects.create(
        organisation=organisation, territory=territory, name="Ruelle"
    )
    _street_work(social_worker, team, territory, marie_jose, themes)
    _street_work(social_worker, team, territory, no_coordinates, themes)
    client.force_login(social_worker)
    response = client.get(reverse("outreach:map"))
    csp = _csp(response)
    assert "img-src 'self' data: https://*.tile.example.org" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)[1]
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts if "src=" in tag)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert [m["name"] for m in response.context["markers"]] == ["Parc Marie-José"]
    assert {p.name for p in response.context["active"]} == {"Parc Marie-José", "Ruelle"}
    assert '<a href="https://example.org">' not in response.text  # the attribution is text
    # Other pages keep the site's policy.
    assert "tile.example.org" not in _csp(client.get(reverse("outreach:home")))


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://a{s}.tiles.example.org:8443/{z}/{x}/{y}", "https://*.tiles.example.org:8443"),
        ("javascript:alert(1)", ""),
        ("//tile.example.org/{z}", ""),
        ("", ""),
    ],
)
def test_the_tile_host_is_read_from_the_setting(settings, url, source):
    settings.LIEN_MAP_TILE_URL = url
    assert mapping.tile_source() == source
