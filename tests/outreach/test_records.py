"""Changing or archiving presences, encounters and visits afterwards."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach import services
from lien.outreach.models import Encounter, Passage, Place, Territory
from lien.outreach.services import Cell
from lien.people.services import create_person
from tests.factories import TeamFactory


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def encounter(social_worker, team, presence, place, themes):
    encounter, _ = services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        presence=presence,
        place=place,
        counts=[Cell("18-21", "M", 3)],
        themes=[themes["housing"]],
    )
    return encounter


def _edit_url(encounter):
    return reverse("outreach:encounter_edit", args=[encounter.public_id])


def _encounter_data(encounter, **changes):
    data = {
        "version": encounter.version,
        "occurred_at": timezone.localtime(encounter.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "place": str(encounter.place.public_id) if encounter.place else "",
        "kind": encounter.kind,
        "known_18-21_m": "3",
    }
    data.update(changes)
    return data


def test_the_author_changes_an_encounter_and_it_is_audited(
    client, social_worker, encounter, themes
):
    client.force_login(social_worker)
    response = client.get(_edit_url(encounter))
    assert response.status_code == 200
    assert response.context["form"].initial["known_18-21_m"] == 3
    data = _encounter_data(
        encounter,
        **{"known_18-21_m": "2", "new_15-17_f": "4"},
        themes=[themes["health"].public_id],
        note="Parlé de la maison médicale",
    )
    response = client.post(_edit_url(encounter), data)
    assert response.status_code == 302
    encounter.refresh_from_db()
    cells = sorted(encounter.counts.values_list("age_band", "gender", "is_new", "count"))
    assert cells == [("15-17", "F", True, 4), ("18-21", "M", False, 2)]
    assert list(encounter.themes.all()) == [themes["health"]]
    assert encounter.note == "Parlé de la maison médicale" and encounter.version == 2
    event = AuditEvent.objects.get(action="encounter.changed")
    assert event.fields == ["counts", "note", "themes"]
    assert "Parlé" not in str(event.fields)


def test_moving_an_encounter_moves_its_neighbourhood(
    client, social_worker, organisation, encounter
):
    elsewhere = Territory.objects.create(organisation=organisation, name_fr="Heyvaert")
    park = Place.objects.create(organisation=organisation, territory=elsewhere, name="Parc")
    client.force_login(social_worker)
    response = client.post(_edit_url(encounter), _encounter_data(encounter, place=park.public_id))
    assert response.status_code == 302
    encounter.refresh_from_db()
    assert (encounter.place, encounter.territory) == (park, elsewhere)


def test_a_stale_save_answers_409_and_keeps_what_was_typed(
    client, social_worker, coordinator, encounter
):
    client.force_login(coordinator)
    assert (
        client.post(_edit_url(encounter), _encounter_data(encounter, note="A")).status_code == 302
    )
    client.force_login(social_worker)
    response = client.post(
        _edit_url(encounter), _encounter_data(encounter, **{"known_18-21_m": "7"}, note="B")
    )
    assert response.status_code == 409
    assert response.context["form"]["known_18-21_m"].value() == "7"
    assert response.context["form"]["note"].value() == "B"
    assert response.context["conflict"].note == "A"
    encounter.refresh_from_db()
    assert encounter.note == "A" and encounter.counts.get().count == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"known_18-21_m": "-1"}, "known_18-21_m"),
        ({"occurred_at": "2099-01-01T10:00"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T10:00"}, "occurred_at"),
        ({"occurred_at": ""}, "occurred_at"),
        ({"note": "x" * 5000}, "note"),
        ({"known_18-21_m": "60"}, "confirm_large"),
        ({"kind": "teleport"}, "kind"),
        ({"version": "abc"}, "version"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_changes(
    client, social_worker, encounter, changes, field
):
    client.force_login(social_worker)
    response = client.post(_edit_url(encounter), _encounter_data(encounter, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    encounter.refresh_from_db()
    assert encounter.version == 1 and encounter.counts.get().count == 3


def test_an_encounter_left_with_nobody_is_refused(client, social_worker, encounter):
    client.force_login(social_worker)
    response = client.post(
        _edit_url(encounter), _encounter_data(encounter, **{"known_18-21_m": ""})
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert encounter.counts.count() == 1


def test_named_people_the_editor_does_not_see_stay_on_the_encounter(
    client, social_worker, coordinator, organisation, team, presence, make_user
):
    other_team = TeamFactory(organisation=organisation, name="Autre équipe")
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, other_team])
    seen = create_person(by=colleague, team=team, data={"nickname": "Momo"})
    unseen = create_person(by=colleague, team=other_team, data={"nickname": "Zaza"})
    encounter, _ = services.record_encounter(
        by=colleague,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        persons=[seen, unseen],
    )
    client.force_login(coordinator)
    response = client.get(_edit_url(encounter))
    assert "Momo" in response.text and "Zaza" not in response.text
    assert AuditEvent.objects.filter(action="encounter.viewed").count() == 1
    # Untick Momo, add a count: Zaza, whom the coordinator does not see, stays.
    data = _encounter_data(encounter, place="", **{"known_gt25_f": "1"})
    data.pop("known_18-21_m")
    assert client.post(_edit_url(encounter), data).status_code == 302
    assert list(encounter.persons.all()) == [unseen]


def test_who_may_change_an_encounter(
    client, encounter, coordinator, make_user, organisation, team, social_worker
):
    other_worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    outsider = make_user(Role.COORDINATOR, organisation=organisation, teams=[TeamFactory()])
    expected = [
        (social_worker, 200),
        (coordinator, 200),
        (other_worker, 403),
        (volunteer, 403),
        (outsider, 404),
    ]
    for user, status in expected:
        client.force_login(user)
        assert client.get(_edit_url(encounter)).status_code == status, user


def test_a_volunteer_changes_their_own_encounter_that_day_only(
    client, make_user, organisation, team, presence
):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    encounter, _ = services.record_encounter(
        by=volunteer,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        counts=[Cell("18-21", "M", 1)],
    )
    client.force_login(volunteer)
    assert client.get(_edit_url(encounter)).status_code == 200
    Encounter.objects.filter(pk=encounter.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert client.get(_edit_url(encounter)).status_code == 403
    archive = reverse("outreach:encounter_archive", args=[encounter.public_id])
    assert client.post(archive).status_code == 403
    encounter.refresh_from_db()
    assert encounter.archived_at is None


def test_another_organisation_gets_404(
    client, stranger_admin, make_user, other_organisation, encounter
):
    stranger = make_user(Role.COORDINATOR, organisation=other_organisation)
    client.force_login(stranger)
    assert client.get(_edit_url(encounter)).status_code == 404
    archive = reverse("outreach:encounter_archive", args=[encounter.public_id])
    assert client.post(archive).status_code == 404
    encounter.refresh_from_db()
    assert encounter.archived_at is None


def test_an_archived_encounter_leaves_the_list_and_the_figures(
    client, social_worker, encounter, territory
):
    client.force_login(social_worker)
    archive = reverse("outreach:encounter_archive", args=[encounter.public_id])
    assert client.post(archive).status_code == 302
    encounter.refresh_from_db()
    assert encounter.archived_at is not None
    assert AuditEvent.objects.filter(action="encounter.archived").count() == 1
    assert client.post(archive).status_code == 404  # gone from what can be changed
    home = client.get(reverse("outreach:home"))
    assert _edit_url(encounter) not in home.text
    page = client.get(reverse("outreach:territory_page", args=[territory.public_id]))
    assert page.context["figures"].encounters == 0


def test_a_presence_is_corrected_and_its_placeless_encounters_follow(
    client, social_worker, presence, organisation, team
):
    placeless, _ = services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        presence=presence,
        counts=[Cell("18-21", "M", 1)],
    )
    assert placeless.territory == presence.territory
    heyvaert = Territory.objects.create(organisation=organisation, name_fr="Heyvaert")
    url = reverse("outreach:presence_edit", args=[presence.public_id])
    client.force_login(social_worker)
    started = timezone.localtime(presence.started_at) - datetime.timedelta(hours=2)
    data = {
        "version": presence.version,
        "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (started + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "territory": heyvaert.public_id,
        "atmosphere": "calme",
        "logbook": "RAS",
    }
    bad = client.post(
        url,
        {**data, "ended_at": (started - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")},
    )
    assert bad.status_code == 200 and "ended_at" in bad.context["form"].errors
    assert client.post(url, data).status_code == 302
    presence.refresh_from_db()
    placeless.refresh_from_db()
    assert presence.territory == heyvaert and presence.ended_at is not None
    assert presence.logbook == "RAS" and not presence.places.exists()
    assert placeless.territory == heyvaert
    event = AuditEvent.objects.get(action="presence.changed")
    assert {"territory", "ended_at", "places", "logbook"} <= set(event.fields)


def test_a_visit_is_corrected_and_archived(client, social_worker, team, place):
    passage, _ = services.record_passage(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        age_band="18-21",
        gender="F",
        services=["shower"],
    )
    url = reverse("outreach:passage_edit", args=[passage.public_id])
    client.force_login(social_worker)
    data = {
        "version": passage.version,
        "occurred_at": timezone.localtime(passage.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "place": place.public_id,
        "age_band": "22-25",
        "gender": "F",
        "services": ["shower", "laundry"],
    }
    assert client.post(url, {**data, "age_band": "99"}).status_code == 200
    assert client.post(url, data).status_code == 302
    passage.refresh_from_db()
    assert (passage.place, passage.age_band, passage.services) == (
        place,
        "22-25",
        ["laundry", "shower"],
    )
    stale = client.post(url, data)
    assert stale.status_code == 409
    archive = reverse("outreach:passage_archive", args=[passage.public_id])
    assert client.post(archive).status_code == 302
    assert Passage.objects.get(pk=passage.pk).archived_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"passage.changed", "passage.archived"} <= actions


def test_a_visit_is_recorded_at_a_place_and_the_form_proposes_it_again(
    client, social_worker, team, place
):
    client.force_login(social_worker)
    new = reverse("outreach:passage_new")
    data = {"client_token": str(uuid.uuid4()), "team": team.public_id, "place": place.public_id}
    assert client.post(new, data).status_code == 302
    assert Passage.objects.get().place == place
    assert client.get(new).context["form"].initial["place"] == place.public_id
