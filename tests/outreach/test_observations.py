"""Observations: the phone form, bad input, the list and its filters, edit with conflicts,
archive, custom fields, who sees what."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.customfields.models import CustomField
from lien.customfields.services import define_field
from lien.customfields.values import read_values
from lien.outreach import services_observations as services
from lien.outreach.models import Observation, Place, Territory
from tests.factories import TeamFactory

NEW = reverse("outreach:observation_new")
LIST = reverse("outreach:observation_list")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _post(client, team, **data):
    payload = {
        "client_token": str(uuid.uuid4()),
        "team": str(team.public_id),
        "category": "gathering",
        "text": "Calm",
    }
    payload.update(data)
    return client.post(NEW, payload)


def _observe(by, team, territory=None, place=None, **extra):
    observation, _created = services.record_observation(
        by=by,
        team=team,
        client_token=uuid.uuid4(),
        observed_at=extra.pop("observed_at", timezone.now()),
        category=extra.pop("category", "atmosphere"),
        text=extra.pop("text", "Quiet afternoon"),
        territory=territory,
        place=place,
        **extra,
    )
    return observation


def test_the_form_remembers_the_place_of_the_presence_under_way(
    client, social_worker, presence, place, territory
):
    client.force_login(social_worker)
    response = client.get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["place"] == place.public_id
    assert form.initial["territory"] == territory.public_id


def test_an_observation_is_recorded_in_the_place_and_its_neighbourhood(
    client, social_worker, presence, place, territory, team
):
    client.force_login(social_worker)
    response = _post(
        client,
        team,
        place=str(place.public_id),
        people_present="12",
        measures_text="syringes found: 3\nbenches broken = 1",
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert observation.territory == territory  # set from the place
    assert observation.presence == presence
    assert observation.people_present == 12
    assert observation.measures == {"syringes found": 3, "benches broken": 1}
    event = AuditEvent.objects.get(action="observation.recorded")
    assert "text" in event.fields and "Calm" not in str(event.fields)


def test_the_text_is_encrypted_at_rest(social_worker, team, territory):
    from django.db import connection

    observation = _observe(social_worker, team, territory, text="Needles near the swings")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM outreach_observation WHERE id = %s", [observation.pk])
        stored = cursor.fetchone()[0]
    assert "Needles" not in stored


def test_a_double_submit_records_one_observation(client, social_worker, territory, team):
    client.force_login(social_worker)
    token = str(uuid.uuid4())
    for _ in range(2):
        _post(client, team, client_token=token, territory=str(territory.public_id))
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"people_present": "-3"}, "people_present"),
        ({"people_present": "many"}, "people_present"),
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"category": "riot"}, "category"),
        ({"observed_at": "2999-01-01T10:00"}, "observed_at"),
        ({"observed_at": "0001-01-01T10:00"}, "observed_at"),
        ({"observed_at": "2026-02-30T10:00"}, "observed_at"),
        ({"measures_text": "syringes: -1"}, "measures_text"),
        ({"measures_text": "no number here"}, "measures_text"),
        ({"place": str(uuid.uuid4())}, "place"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(
    client, social_worker, territory, data, field, team
):
    client.force_login(social_worker)
    response = _post(client, team, **{"territory": str(territory.public_id), **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Observation.objects.exists()


def test_an_observation_needs_a_place_or_a_neighbourhood(client, social_worker, team):
    client.force_login(social_worker)
    response = _post(client, team)
    assert "place" in response.context["form"].errors
    assert not Observation.objects.exists()


def test_an_absurd_number_of_people_asks_for_confirmation(
    client, social_worker, territory, settings, team
):
    settings.LIEN_OUTREACH_MAX_COUNT = 50
    client.force_login(social_worker)
    response = _post(client, team, territory=str(territory.public_id), people_present="400")
    assert "confirm_large" in response.context["form"].errors
    assert not Observation.objects.exists()
    _post(
        client, team, territory=str(territory.public_id), people_present="400", confirm_large="on"
    )
    assert Observation.objects.get().people_present == 400


def test_hostile_markup_is_shown_as_text(client, social_worker, team, territory):
    observation = _observe(social_worker, team, territory, text="<script>alert(1)</script>")
    client.force_login(social_worker)
    response = client.get(reverse("outreach:observation_detail", args=[observation.public_id]))
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_a_place_of_another_organisation_is_refused(social_worker, team, other_organisation):
    foreign = Territory.objects.create(organisation=other_organisation, name_fr="Ailleurs")
    with pytest.raises(Exception) as excinfo:
        _observe(social_worker, team, foreign)
    assert excinfo.type.__name__ == "PermissionDenied"


def test_a_volunteer_logs_an_observation_and_the_team_sees_it(
    client, volunteer, social_worker, team, territory
):
    client.force_login(volunteer)
    _post(client, team, territory=str(territory.public_id))
    observation = Observation.objects.get()
    client.force_login(social_worker)
    assert client.get(LIST).context["page"].object_list[0] == observation


def test_another_team_and_another_organisation_do_not_see_it(
    client, make_user, organisation, other_organisation, social_worker, team, territory
):
    observation = _observe(social_worker, team, territory)
    url = reverse("outreach:observation_detail", args=[observation.public_id])
    other_team = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    client.force_login(other_team)
    assert client.get(url).status_code == 404
    assert list(client.get(LIST).context["page"].object_list) == []
    client.force_login(make_user(Role.COORDINATOR, organisation=other_organisation))
    assert client.get(url).status_code == 404
    edit = reverse("outreach:observation_edit", args=[observation.public_id])
    assert client.post(edit, {"text": "x"}).status_code == 404


def test_the_list_filters_by_neighbourhood_place_category_and_date(
    client, social_worker, team, territory, place
):
    elsewhere = Territory.objects.create(organisation=territory.organisation, name_fr="Heyvaert")
    in_place = _observe(social_worker, team, place=place, category="nuisance")
    in_elsewhere = _observe(social_worker, team, elsewhere, category="resource")
    old = _observe(
        social_worker,
        team,
        elsewhere,
        category="resource",
        observed_at=timezone.now() - datetime.timedelta(days=40),
    )
    client.force_login(social_worker)

    def listed(**query):
        return list(client.get(LIST, query).context["page"].object_list)

    assert listed(place=str(place.public_id)) == [in_place]
    assert listed(territory=str(elsewhere.public_id)) == [in_elsewhere, old]
    assert listed(kind="nuisance") == [in_place]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert set(listed(date_from=since)) == {in_place, in_elsewhere}
    assert listed(date_to=(timezone.localdate() - datetime.timedelta(days=30)).isoformat()) == [old]
    response = client.get(LIST, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "date_to" in response.context["filters"].errors


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_and_the_page_cost_a_fixed_number_of_queries(
    client, social_worker, team, territory, place, size, django_assert_max_num_queries
):
    for n in range(size):
        _observe(social_worker, team, place=place if n % 2 else None, territory=territory)
    observation = Observation.objects.first()
    client.force_login(social_worker)
    client.get(LIST)  # session warm-up
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(10):
        detail = reverse("outreach:observation_detail", args=[observation.public_id])
        assert client.get(detail).status_code == 200


def test_the_list_is_paginated(client, social_worker, team, territory):
    for _ in range(31):
        _observe(social_worker, team, territory)
    client.force_login(social_worker)
    response = client.get(LIST)
    assert len(response.context["page"].object_list) == 30
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 1


def test_an_edit_is_versioned_and_a_stale_save_gets_the_409_page(
    client, social_worker, team, territory
):
    observation = _observe(social_worker, team, territory)
    url = reverse("outreach:observation_edit", args=[observation.public_id])
    client.force_login(social_worker)
    base = {
        "category": "conflict",
        "territory": str(territory.public_id),
        "text": "A fight broke out",
        "observed_at": timezone.localtime(observation.observed_at).strftime("%Y-%m-%dT%H:%M"),
        "version": "1",
    }
    assert client.post(url, base).status_code == 302
    observation.refresh_from_db()
    assert (observation.category, observation.version) == ("conflict", 2)
    response = client.post(url, {**base, "text": "Stale text"})
    assert response.status_code == 409
    assert response.context["conflict"].text == "A fight broke out"
    observation.refresh_from_db()
    assert observation.text == "A fight broke out"
    assert AuditEvent.objects.filter(action="observation.changed").count() == 1


def test_a_volunteer_edits_only_their_own_observations(
    client, volunteer, social_worker, team, territory
):
    theirs = _observe(social_worker, team, territory)
    mine = _observe(volunteer, team, territory)
    client.force_login(volunteer)
    assert (
        client.get(reverse("outreach:observation_edit", args=[theirs.public_id])).status_code == 403
    )
    assert (
        client.get(reverse("outreach:observation_edit", args=[mine.public_id])).status_code == 200
    )


def test_an_archived_observation_is_kept_and_no_longer_listed(
    client, social_worker, team, territory
):
    observation = _observe(social_worker, team, territory)
    client.force_login(social_worker)
    url = reverse("outreach:observation_archive", args=[observation.public_id])
    assert client.post(url).status_code == 302
    client.post(url)  # a second tap
    observation.refresh_from_db()
    assert observation.archived_at is not None
    assert AuditEvent.objects.filter(action="observation.archived").count() == 1
    assert list(client.get(LIST).context["page"].object_list) == []


def test_an_organisation_defines_custom_fields_for_observations(
    client, admin, social_worker, volunteer, team, territory
):
    client.force_login(admin)
    client.post(
        reverse("customfields:field_create"),
        {
            "entity": "observation",
            "label": "Weather",
            "kind": "choice",
            "choices": "Sun\nRain",
            "position": "0",
        },
    )
    weather = CustomField.objects.get(entity="observation")
    secret = define_field(
        by=admin, entity="observation", kind="text", data={"label": "Names", "sensitive": True}
    )
    client.force_login(social_worker)
    response = _post(
        client, team, territory=str(territory.public_id), **{weather.form_name: "Rain"}
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert read_values([weather], [observation.pk]) == {observation.pk: {weather.pk: "Rain"}}
    assert (
        f"custom:{weather.public_id}"
        in AuditEvent.objects.get(action="observation.recorded").fields
    )
    detail = client.get(reverse("outreach:observation_detail", args=[observation.public_id]))
    assert "Rain" in detail.text
    # A volunteer fills the team's fields, never the sensitive ones.
    client.force_login(volunteer)
    form = client.get(NEW).context["form"]
    assert weather.form_name in form.fields and secret.form_name not in form.fields
    # They stay off the person's file.
    assert weather not in CustomField.objects.usable_by(social_worker, "person")


def test_a_bad_custom_value_is_a_form_error(client, admin, social_worker, territory, team):
    weather = define_field(
        by=admin, entity="observation", kind="choice", data={"label": "Weather", "choices": "Sun"}
    )
    client.force_login(social_worker)
    response = _post(
        client, team, territory=str(territory.public_id), **{weather.form_name: "Snow"}
    )
    assert response.status_code == 200
    assert not Observation.objects.exists()


def test_a_house_manager_and_an_analyst_cannot_reach_observations(
    client, make_user, organisation, team
):
    for role in (Role.HOUSE_MANAGER, Role.ANALYST):
        client.force_login(make_user(role, organisation=organisation, teams=[team]))
        assert client.get(LIST).status_code == 403
        assert client.get(NEW).status_code == 403


def test_places_are_offered_from_the_organisation_only(
    client, social_worker, place, other_organisation
):
    foreign_territory = Territory.objects.create(organisation=other_organisation, name_fr="X")
    Place.objects.create(organisation=other_organisation, territory=foreign_territory, name="Y")
    client.force_login(social_worker)
    form = client.get(NEW).context["form"]
    assert list(form.fields["place"].queryset) == [place]
