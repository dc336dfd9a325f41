"""Security review of street work: other organisations and teams, field volunteers, named
people, hostile input, double submits and concurrent edits."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import timeline
from lien.outreach import services, services_observations
from lien.outreach.models import (
    CounterType,
    DailyCount,
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
)
from lien.outreach.services import Cell
from lien.people.services import create_person
from tests.factories import TeamFactory

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def momo(social_worker, team):
    return create_person(
        by=social_worker,
        team=team,
        data={"nickname": "Momo", "first_name": "Mohamed", "last_name": "Secretname"},
    )


@pytest.fixture
def records(social_worker, team, presence, place, territory, momo):
    """One record of each kind, of the first organisation's team, naming Momo."""
    encounter, _ = services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        presence=presence,
        place=place,
        persons=[momo],
        counts=[Cell("18-21", "M", 2)],
    )
    passage, _ = services.record_passage(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        person=momo,
        place=place,
    )
    observation, _ = services_observations.record_observation(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        observed_at=timezone.now(),
        category="gathering",
        text="Groupe près des bancs",
        place=place,
    )
    mediation, _ = services_observations.record_mediation(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        nature="shops",
        place=place,
        persons=[momo],
        parties_description="Un commerçant",
        follow_up_on=timezone.localdate(),
    )
    counter = CounterType.objects.create(
        organisation=team.organisation, label_fr="Cafés", created_by=social_worker
    )
    return {
        "presence": presence,
        "encounter": encounter,
        "passage": passage,
        "observation": observation,
        "mediation": mediation,
        "place": place,
        "territory": territory,
        "counter": counter,
    }


def _record_urls(records) -> list[tuple[str, str]]:
    """(method, url) of every street-work URL that names one record."""
    r = records
    urls = [
        ("get", reverse("outreach:presence_end", args=[r["presence"].public_id])),
        ("post", reverse("outreach:presence_end", args=[r["presence"].public_id])),
        ("get", reverse("outreach:observation_detail", args=[r["observation"].public_id])),
        ("get", reverse("outreach:mediation_detail", args=[r["mediation"].public_id])),
        ("get", reverse("outreach:territory_page", args=[r["territory"].public_id])),
        ("get", reverse("outreach:place_page", args=[r["place"].public_id])),
    ]
    for name, key in [
        ("presence_edit", "presence"),
        ("encounter_edit", "encounter"),
        ("passage_edit", "passage"),
        ("observation_edit", "observation"),
        ("mediation_edit", "mediation"),
        ("counter_type_edit", "counter"),
        ("territory_edit", "territory"),
        ("place_edit", "place"),
    ]:
        url = reverse(f"outreach:{name}", args=[r[key].public_id])
        urls += [("get", url), ("post", url)]
    for name, key in [
        ("presence_archive", "presence"),
        ("encounter_archive", "encounter"),
        ("passage_archive", "passage"),
        ("observation_archive", "observation"),
        ("mediation_archive", "mediation"),
        ("mediation_follow_up_done", "mediation"),
        ("counter_type_archive", "counter"),
        ("territory_archive", "territory"),
        ("place_archive", "place"),
    ]:
        urls.append(("post", reverse(f"outreach:{name}", args=[r[key].public_id])))
    return urls


# Other organisations and other teams ------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_another_organisation_gets_404_on_every_record_url_and_nothing_changes(
    client, make_user, other_organisation, records, role
):
    """A coordinator elsewhere gets 404; an admin elsewhere, who lacks most street-work
    rights, gets what any unknown id gives them (403 for the right they lack): nothing tells
    the record exists."""
    other_team = TeamFactory(organisation=other_organisation)
    client.force_login(make_user(role, organisation=other_organisation, teams=[other_team]))
    unknown = str(uuid.uuid4())
    for method, url in _record_urls(records):
        response = getattr(client, method)(url, {"version": "1", "label_fr": "x"})
        if role == Role.COORDINATOR:
            assert response.status_code == 404, (method, url, response.status_code)
        else:
            blind = getattr(client, method)(UUID_RE.sub(unknown, url), {"version": "1"})
            assert response.status_code == blind.status_code in (403, 404), (method, url)
    for key in ("presence", "encounter", "passage", "observation", "mediation"):
        obj = records[key]
        obj.refresh_from_db()
        assert obj.archived_at is None and obj.version == 1, key


def test_another_organisation_sees_nothing_of_the_map_counters_or_lists(
    client, make_user, other_organisation, records
):
    other_team = TeamFactory(organisation=other_organisation)
    client.force_login(
        make_user(Role.COORDINATOR, organisation=other_organisation, teams=[other_team])
    )
    for name in ("map", "overview", "observation_list", "mediation_list", "home"):
        response = client.get(reverse(f"outreach:{name}"))
        assert response.status_code == 200
        assert records["place"].name not in response.text, name
    # Asking for the first organisation's team answers 404, as for a team that does not exist.
    response = client.get(
        reverse("outreach:counters"), {"team": str(records["presence"].team.public_id)}
    )
    assert response.status_code == 404
    assert client.get(reverse("outreach:counters")).context["team"] == other_team


def test_another_team_of_the_organisation_gets_404_on_the_team_records(
    client, make_user, organisation, records
):
    other_team = TeamFactory(organisation=organisation)
    client.force_login(make_user(Role.COORDINATOR, organisation=organisation, teams=[other_team]))
    team_only = {"presence", "encounter", "passage", "observation", "mediation"}
    for method, url in _record_urls(records):
        if not any(f"/{records[k].public_id}/" in url for k in team_only):
            continue
        response = getattr(client, method)(url, {"version": "1"})
        assert response.status_code == 404, (method, url)
    # The place's and neighbourhood's pages are the organisation's; the other team's figures
    # are not on them.
    page = client.get(reverse("outreach:place_page", args=[records["place"].public_id]))
    assert page.context["figures"].encounters == 0
    assert not page.context["observations"] and not page.context["mediations"]
    assert not page.context["presences"]
    response = client.get(reverse("outreach:map"))
    assert all(
        p.encounter_count == 0 for p in response.context["active"] + response.context["quiet"]
    )


# Field volunteers ---------------------------------------------------------------------------


@pytest.fixture
def volunteer_on_the_round(volunteer, records):
    """A volunteer who was on the presence: they met Momo."""
    records["presence"].workers.add(volunteer)
    return volunteer


def test_a_volunteer_sees_nothing_of_mediations(client, volunteer_on_the_round, records, momo):
    client.force_login(volunteer_on_the_round)
    mediation = records["mediation"]
    for url in (
        reverse("outreach:mediation_list"),
        reverse("outreach:mediation_new"),
        reverse("outreach:mediation_detail", args=[mediation.public_id]),
        reverse("outreach:mediation_edit", args=[mediation.public_id]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("outreach:place_page", args=[records["place"].public_id]),
        reverse("outreach:territory_page", args=[records["territory"].public_id]),
        reverse("web:today"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert str(mediation.public_id) not in response.text
        assert "Un commerçant" not in response.text
    items, _more = timeline.for_person(volunteer_on_the_round, momo)
    assert [item.kind for item in items if item.kind == "mediation"] == []


def test_a_volunteer_sees_a_minimal_identity_on_the_encounter_they_change(
    client, volunteer_on_the_round, records
):
    """The encounter's change form names the people met by their nickname (or first name),
    never by the full name a field volunteer is not to see."""
    encounter = records["encounter"]
    Encounter.objects.filter(pk=encounter.pk).update(created_by=volunteer_on_the_round)
    client.force_login(volunteer_on_the_round)
    response = client.get(reverse("outreach:encounter_edit", args=[encounter.public_id]))
    assert response.status_code == 200
    assert "Momo" in response.text
    assert "Secretname" not in response.text


def test_a_volunteer_cannot_end_a_colleagues_presence_they_are_not_on(client, volunteer, records):
    """Ending a presence writes its end, atmosphere and logbook: the same right as changing
    it (a field volunteer: their own, on the day), or being one of its workers."""
    presence = records["presence"]
    client.force_login(volunteer)
    url = reverse("outreach:presence_end", args=[presence.public_id])
    response = client.post(url, {"atmosphere": "tendu", "logbook": "écrit par un autre"})
    assert response.status_code == 403
    presence.refresh_from_db()
    assert presence.ended_at is None and presence.logbook == ""


def test_an_archived_presence_is_not_ended(client, social_worker, records):
    presence = records["presence"]
    Presence.objects.filter(pk=presence.pk).update(archived_at=timezone.now())
    client.force_login(social_worker)
    url = reverse("outreach:presence_end", args=[presence.public_id])
    assert client.post(url, {"atmosphere": "x"}).status_code == 404
    presence.refresh_from_db()
    assert presence.ended_at is None


def test_a_volunteer_cannot_name_people_they_do_not_see(
    client, volunteer, records, momo, team, place
):
    client.force_login(volunteer)
    response = client.post(
        reverse("outreach:encounter_new"),
        {
            "client_token": str(uuid.uuid4()),
            "team": str(team.public_id),
            "kind": "street",
            "persons": [str(momo.public_id)],
        },
    )
    assert response.status_code == 200 and "persons" in response.context["form"].errors
    response = client.get(reverse("outreach:encounter_new"), {"person": str(momo.public_id)})
    assert "Momo" not in response.text
    response = client.get(reverse("outreach:encounter_new"), {"q": "Mom"})
    assert "Momo" not in response.text


# Named people never shown to who may not see them -------------------------------------------


def test_people_the_user_does_not_see_are_never_named_and_stay_on_a_mediation(
    client, make_user, organisation, team, records, momo
):
    # A social worker of the same team who does not follow Momo (the follow-up is another
    # team's).
    other_team = TeamFactory(organisation=organisation)
    momo.follow_ups.update(team=other_team)
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    client.force_login(colleague)
    mediation = records["mediation"]
    detail = client.get(reverse("outreach:mediation_detail", args=[mediation.public_id]))
    assert "Momo" not in detail.text and "Secretname" not in detail.text
    edit_url = reverse("outreach:mediation_edit", args=[mediation.public_id])
    form = client.get(edit_url)
    assert "Momo" not in form.text
    response = client.post(
        edit_url,
        {
            "version": mediation.version,
            "nature": "shops",
            "place": str(records["place"].public_id),
            "parties_description": "Un commerçant et des jeunes",
            "occurred_at": timezone.localtime(mediation.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert list(mediation.persons.all()) == [momo]
    encounter_form = client.get(
        reverse("outreach:encounter_edit", args=[records["encounter"].public_id])
    )
    assert encounter_form.status_code == 403  # a social worker changes their own only
    place_page = client.get(reverse("outreach:place_page", args=[records["place"].public_id]))
    assert "Momo" not in place_page.text


# Audit -----------------------------------------------------------------------------------


def test_reads_of_named_records_are_audited_without_values(client, social_worker, records):
    client.force_login(social_worker)
    before = AuditEvent.objects.count()
    client.get(reverse("outreach:mediation_detail", args=[records["mediation"].public_id]))
    client.get(reverse("outreach:encounter_edit", args=[records["encounter"].public_id]))
    client.get(reverse("outreach:passage_edit", args=[records["passage"].public_id]))
    client.get(reverse("outreach:mediation_new"), {"q": "Momo"})
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == [
        "mediation.viewed",
        "encounter.viewed",
        "passage.viewed",
        "person.searched",
    ]
    for event in events:
        clear = f"{event.action} {event.object_type} {event.object_id} {event.fields}"
        assert "Momo" not in clear and "commerçant" not in clear


# Hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01"},
        {"end": "0001-01-05"},
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"start": "2024-02-30"},
        {"start": "not-a-date", "end": "x"},
        {"days": "99999999999999999999"},
        {"days": "-5"},
        {"start": "2025-01-10", "end": "2024-01-01"},
        {"start": "1900-01-01", "end": "1900-01-01"},
        {"page": "99999999999999999999999"},
    ],
)
def test_the_figures_pages_answer_bad_periods_without_error(client, social_worker, records, query):
    client.force_login(social_worker)
    for url in (
        reverse("outreach:territory_page", args=[records["territory"].public_id]),
        reverse("outreach:place_page", args=[records["place"].public_id]),
        reverse("outreach:overview"),
        reverse("outreach:map"),
        reverse("outreach:observation_list") + "?date_from=0001-01-01&date_to=9999-12-31",
    ):
        assert client.get(url, query).status_code == 200, (url, query)


@pytest.mark.parametrize("version", ["99999999999999999999999", "-1", "0", "abc"])
def test_a_hostile_version_is_a_conflict_or_a_form_error(
    client, coordinator, records, place, version
):
    client.force_login(coordinator)
    encounter = records["encounter"]
    response = client.post(
        reverse("outreach:encounter_edit", args=[encounter.public_id]),
        {
            "version": version,
            "occurred_at": timezone.localtime(encounter.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "kind": "street",
            "known_18-21_m": "1",
        },
    )
    assert response.status_code in (200, 409)
    observation = records["observation"]
    response = client.post(
        reverse("outreach:observation_edit", args=[observation.public_id]),
        {"version": version, "category": "gathering", "text": "x", "place": str(place.public_id)},
    )
    assert response.status_code in (200, 409)
    counter = records["counter"]
    response = client.post(
        reverse("outreach:counters"),
        {f"c_{counter.public_id}": "3", f"v_{counter.public_id}": version},
    )
    assert response.status_code in (200, 302, 409)
    encounter.refresh_from_db()
    assert encounter.version == 1


@pytest.mark.parametrize(
    "measures",
    [
        "a: 1e999999999",
        "a: NaN",
        "a: sNaN",
        "a: -Infinity",
        "a: 1E-999999999",
        "a: 0E-1000000000",
        "a: -0",
        "x" * 61 + ": 1",
        "\n".join(f"m{n}: 1" for n in range(20)),
        "a: 1\nA: 2",
    ],
)
def test_hostile_measures_never_give_a_server_error(client, social_worker, team, place, measures):
    client.force_login(social_worker)
    response = client.post(
        reverse("outreach:observation_new"),
        {
            "client_token": str(uuid.uuid4()),
            "team": str(team.public_id),
            "category": "gathering",
            "text": "Un groupe",
            "place": str(place.public_id),
            "measures_text": measures,
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not Observation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"place": "not-a-uuid"},
        {"place": str(uuid.uuid4())},
        {"team": "not-a-uuid"},
        {"persons": ["not-a-uuid", "\x00"]},
        {"persons": [str(uuid.uuid4())]},
        {"themes": ["<script>"]},
        {"occurred_at": "9999-12-31T23:59"},
        {"occurred_at": "0001-01-01T00:00"},
    ],
)
def test_hostile_ids_and_dates_on_the_phone_forms_are_form_errors(
    client, social_worker, team, place, data
):
    client.force_login(social_worker)
    base = {"client_token": str(uuid.uuid4()), "team": str(team.public_id), "kind": "street"}
    response = client.post(
        reverse("outreach:encounter_new"), {**base, "count_18-21_m": "1", **data}
    )
    assert response.status_code == 200
    if "themes" not in data:  # a mediation has no themes
        mediation = {
            **base,
            "nature": "shops",
            "place": str(place.public_id),
            "parties_description": "Deux voisins",
            **data,
        }
        assert client.post(reverse("outreach:mediation_new"), mediation).status_code == 200
    assert not Encounter.objects.exists() and not Mediation.objects.exists()


def test_another_organisations_place_or_team_cannot_be_used(
    client, social_worker, other_organisation, team
):
    other_team = TeamFactory(organisation=other_organisation)
    other_place = Place.objects.create(
        organisation=other_organisation,
        territory=_territory(other_organisation),
        name="Ailleurs",
        kind="park",
    )
    client.force_login(social_worker)
    for data in ({"place": str(other_place.public_id)}, {"team": str(other_team.public_id)}):
        response = client.post(
            reverse("outreach:encounter_new"),
            {
                "client_token": str(uuid.uuid4()),
                "team": str(team.public_id),
                "kind": "street",
                "count_18-21_m": "1",
                **data,
            },
        )
        assert response.status_code == 200
        assert set(data) & set(response.context["form"].errors)
        response = client.post(
            reverse("outreach:presence_start"),
            {
                "client_token": str(uuid.uuid4()),
                "team": str(team.public_id),
                "territory": "",
                "places": [str(other_place.public_id)],
            }
            | ({"team": data["team"]} if "team" in data else {}),
        )
        assert response.status_code == 200
        assert {"places", "team"} & set(response.context["form"].errors)
    assert not Encounter.objects.exists() and not Presence.objects.exists()


def _territory(organisation):
    from lien.outreach.models import Territory

    return Territory.objects.create(organisation=organisation, name_fr="Ailleurs")


def test_very_long_text_and_markup_are_refused_or_escaped(client, social_worker, records, team):
    client.force_login(social_worker)
    presence = records["presence"]
    response = client.post(
        reverse("outreach:presence_end", args=[presence.public_id]),
        {"atmosphere": "x" * 201, "logbook": "y" * 5001},
    )
    assert response.status_code == 200
    assert {"atmosphere", "logbook"} <= set(response.context["form"].errors)
    presence.refresh_from_db()
    assert presence.ended_at is None
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    create_person(by=social_worker, team=team, data={"nickname": hostile})
    for url in (
        reverse("outreach:mediation_new") + "?q=script",
        reverse("outreach:encounter_new") + "?q=script",
        reverse("outreach:passage_new") + "?q=script",
    ):
        page = client.get(url)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, url
    Place.objects.filter(pk=records["place"].pk).update(
        name=hostile, latitude=50.85, longitude=4.33
    )
    page = client.get(reverse("outreach:map"))
    assert "<script>alert" not in page.text and "<img src=x" not in page.text


def test_counters_refuse_negative_huge_and_foreign_steps(client, social_worker, records, team):
    client.force_login(social_worker)
    counter = records["counter"]
    url = reverse("outreach:counters")
    for value in ("-1", "100001", "99999999999999999999", "1e3", "<b>"):
        response = client.post(
            url, {f"c_{counter.public_id}": value, f"v_{counter.public_id}": "0"}
        )
        assert response.status_code == 200, value
    response = client.post(
        url,
        {
            f"c_{counter.public_id}": "0",
            f"v_{counter.public_id}": "0",
            "step": f"{uuid.uuid4()}:1",
        },
    )
    assert response.status_code == 302
    for day in ("0001-01-01", "9999-12-31", "2024-02-30", "x" * 1000):
        assert client.get(url, {"day": day}).status_code == 200
        assert client.post(url + f"?day={day}", {f"c_{counter.public_id}": "1"}).status_code in (
            200,
            302,
        )
    assert not DailyCount.objects.filter(counter=counter).exists()


# Double submits and concurrent edits ------------------------------------------------------


def test_a_double_tap_on_start_starts_one_presence(client, social_worker, team, territory):
    client.force_login(social_worker)
    form = client.get(reverse("outreach:presence_start"))
    data = {
        name: value for name, value in form.context["form"].initial.items() if value is not None
    }
    data.update({"team": str(team.public_id), "territory": str(territory.public_id)})
    data = {k: str(v) for k, v in data.items()}
    first = client.post(reverse("outreach:presence_start"), data)
    second = client.post(reverse("outreach:presence_start"), data)
    assert first.status_code == second.status_code == 302
    assert Presence.objects.filter(team=team).count() == 1


def test_a_double_submit_of_a_mediation_or_observation_records_one(
    client, social_worker, team, place
):
    client.force_login(social_worker)
    token = str(uuid.uuid4())
    mediation = {
        "client_token": token,
        "team": str(team.public_id),
        "nature": "shops",
        "place": str(place.public_id),
        "parties_description": "Deux voisins",
    }
    assert client.post(reverse("outreach:mediation_new"), mediation).status_code == 302
    assert client.post(reverse("outreach:mediation_new"), mediation).status_code == 302
    observation = {
        "client_token": token,
        "team": str(team.public_id),
        "category": "gathering",
        "text": "Un groupe",
        "place": str(place.public_id),
    }
    assert client.post(reverse("outreach:observation_new"), observation).status_code == 302
    assert client.post(reverse("outreach:observation_new"), observation).status_code == 302
    assert Mediation.objects.count() == 1 and Observation.objects.count() == 1


def test_two_edits_from_the_same_version_conflict(client, coordinator, records, place):
    client.force_login(coordinator)
    observation = records["observation"]
    url = reverse("outreach:observation_edit", args=[observation.public_id])
    base = {"version": "1", "category": "gathering", "place": str(place.public_id)}
    assert client.post(url, {**base, "text": "premier"}).status_code == 302
    second = client.post(url, {**base, "text": "second"})
    assert second.status_code == 409
    observation.refresh_from_db()
    assert observation.text == "premier"
    assert 'value="second"' in second.text or "second" in second.text


def test_mediation_follow_up_done_never_redirects_off_site(client, social_worker, records):
    client.force_login(social_worker)
    url = reverse("outreach:mediation_follow_up_done", args=[records["mediation"].public_id])
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(url, {"next": target})
        assert response.status_code == 302
        assert "evil" not in response["Location"] and "javascript" not in response["Location"]


def test_passages_named_by_id_in_the_address_are_only_the_visible_ones(
    client, volunteer, records, momo
):
    client.force_login(volunteer)
    response = client.get(reverse("outreach:passage_new"), {"person": str(momo.public_id)})
    assert response.status_code == 200 and "Momo" not in response.text
    assert Passage.objects.count() == 1


# Finding a person keeps what was typed ------------------------------------------------------


def test_searching_a_person_on_the_mediation_form_keeps_every_typed_value(
    client, social_worker, team, place, momo
):
    client.force_login(social_worker)
    url = reverse("outreach:mediation_new")
    token = str(uuid.uuid4())
    typed = {
        "client_token": token,
        "team": str(team.public_id),
        "nature": "shops",
        "place": str(place.public_id),
        "parties_description": "Un commerçant et trois jeunes",
        "actions": "Discussion avec chacun",
        "outcome": "Accord pour se parler",
        "follow_up_on": "2099-01-01",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    found = client.post(url, {**typed, "q": "Mom", "search": "1"})
    assert found.status_code == 200 and not Mediation.objects.exists()
    assert found.context["results"] == [momo]
    assert not found.context["form"].is_bound  # not checked yet: no error shown
    for value in typed.values():
        assert value in found.text, value
    # Pressing Enter in the search box (the default button is then Save) searches too.
    entered = client.post(url, {**typed, "q": "Mom"})
    assert entered.status_code == 200 and not Mediation.objects.exists()
    added = client.post(url, {**typed, "add_person": str(momo.public_id)})
    assert added.status_code == 200 and added.context["named"] == [momo]
    for value in typed.values():
        assert value in added.text, value
    assert f'name="persons" value="{momo.public_id}"' in added.text
    saved = client.post(url, {**typed, "persons": [str(momo.public_id)], "q": ""})
    assert saved.status_code == 302
    mediation = Mediation.objects.get()
    assert list(mediation.persons.all()) == [momo]
    assert mediation.actions == "Discussion avec chacun" and str(mediation.client_token) == token


def test_searching_on_the_mediation_edit_form_keeps_the_changes_and_the_version(
    client, social_worker, records, momo
):
    client.force_login(social_worker)
    mediation = records["mediation"]
    url = reverse("outreach:mediation_edit", args=[mediation.public_id])
    typed = {
        "version": str(mediation.version),
        "nature": "neighbours",
        "place": str(records["place"].public_id),
        "parties_description": "Deux voisins, changé",
        "actions": "Nouvelle action",
        "occurred_at": timezone.localtime(mediation.occurred_at).strftime("%Y-%m-%dT%H:%M"),
    }
    found = client.post(url, {**typed, "q": "Mom", "search": "1"})
    assert found.status_code == 200
    for value in ("Deux voisins, changé", "Nouvelle action"):
        assert value in found.text
    assert found.context["form"].initial["version"] == str(mediation.version)
    mediation.refresh_from_db()
    assert mediation.actions == "" and mediation.nature == "shops"


def test_searching_a_person_on_the_encounter_form_keeps_every_typed_value(
    client, social_worker, team, place, momo, themes
):
    client.force_login(social_worker)
    url = reverse("outreach:encounter_new")
    token = str(uuid.uuid4())
    typed = {
        "client_token": token,
        "team": str(team.public_id),
        "kind": "phone",
        "place": str(place.public_id),
        "count_18-21_m": "3",
        "count_15-17_f": "2",
        "themes": [str(themes["housing"].public_id)],
        "note": "Parle de son logement",
        "new_people": "on",
        "follow_up_needed": "on",
    }
    found = client.post(url, {**typed, "q": "Mom", "search": "1"})
    assert found.status_code == 200 and not Encounter.objects.exists()
    assert found.context["results"] == [momo]
    form = found.context["form"]
    assert form["count_18-21_m"].value() == "3" and form["note"].value() == "Parle de son logement"
    assert form["kind"].value() == "phone" and form["follow_up_needed"].value() is True
    assert form["themes"].value() == [str(themes["housing"].public_id)]
    assert form["client_token"].value() == token
    added = client.post(url, {**typed, "add_person": str(momo.public_id)})
    assert added.status_code == 200 and added.context["named"] == [momo]
    assert 'value="Parle de son logement"' in added.text or "Parle de son logement" in added.text
    saved = client.post(url, {**typed, "persons": [str(momo.public_id)]})
    assert saved.status_code == 302
    encounter = Encounter.objects.get()
    assert list(encounter.persons.all()) == [momo] and encounter.note == "Parle de son logement"
    assert str(encounter.client_token) == token


def test_a_search_never_adds_someone_the_user_does_not_see(client, volunteer, team, momo):
    client.force_login(volunteer)
    response = client.post(
        reverse("outreach:encounter_new"),
        {
            "client_token": str(uuid.uuid4()),
            "team": str(team.public_id),
            "kind": "street",
            "add_person": str(momo.public_id),
        },
    )
    assert response.status_code == 200 and response.context["named"] == []
    assert "Momo" not in response.text
