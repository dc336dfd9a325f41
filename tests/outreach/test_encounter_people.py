"""Adding a named person to an encounter afterwards: the new-encounter form's search, among the
people the user sees, keeping everything typed; the change is audited with the people before."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach.models import Encounter
from tests.outreach.test_history import _change_encounter, _encounter


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _url(encounter) -> str:
    return reverse("outreach:encounter_edit", args=[encounter.public_id])


def _typed(encounter, **changes) -> dict:
    data = {
        "version": encounter.version,
        "occurred_at": timezone.localtime(encounter.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "",
        "kind": encounter.kind,
        "known_18-21_m": "3",
        "q": "",
    }
    data.update(changes)
    return data


def test_a_search_keeps_everything_typed_and_saves_nothing(client, social_worker, team, momo, lina):
    encounter = _encounter(social_worker, team, persons=[momo], note="Avant")
    client.force_login(social_worker)
    typed = _typed(
        encounter,
        persons=[str(momo.public_id)],
        note="Tapé avant la recherche",
        follow_up_needed="on",
        **{"known_18-21_m": "5", "new_15-17_f": "2"},
        q="Lin",
        search="1",
    )
    response = client.post(_url(encounter), typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["note"].value() == "Tapé avant la recherche"
    assert form["known_18-21_m"].value() == "5" and form["new_15-17_f"].value() == "2"
    assert form["follow_up_needed"].value() is True
    assert form["version"].value() == "1"  # as typed: a save after it still names it
    assert response.context["results"] == [lina]
    assert "Lina" in response.text and "Benali" not in response.text
    encounter.refresh_from_db()
    assert encounter.version == 1 and encounter.note == "Avant"
    assert AuditEvent.objects.filter(action="person.searched").count() == 1
    assert not AuditEvent.objects.filter(action="encounter.changed").exists()


def test_a_person_found_is_added_and_the_change_keeps_who_was_named_before(
    client, social_worker, team, momo, lina
):
    encounter = _encounter(social_worker, team, persons=[momo])
    client.force_login(social_worker)
    typed = _typed(encounter, persons=[str(momo.public_id)], note="Lina nous a rejoints")
    response = client.post(_url(encounter), {**typed, "add_person": str(lina.public_id)})
    assert response.status_code == 200
    assert [p.public_id for p in response.context["named"]] == [lina.public_id, momo.public_id]
    assert set(response.context["form"].initial["persons"]) == {momo.public_id, lina.public_id}
    assert response.context["form"]["note"].value() == "Lina nous a rejoints"
    assert Encounter.objects.get(pk=encounter.pk).version == 1
    # Saving names both.
    response = client.post(
        _url(encounter), {**typed, "persons": [str(momo.public_id), str(lina.public_id)]}
    )
    assert response.status_code == 302
    encounter.refresh_from_db()
    assert set(encounter.persons.all()) == {momo, lina}
    assert encounter.note == "Lina nous a rejoints"
    event = AuditEvent.objects.get(action="encounter.changed")
    assert "persons" in event.fields
    assert event.previous_values["persons"] == str(momo.public_id)


def test_a_volunteer_finds_only_the_people_they_met_by_their_nickname(
    client, make_user, organisation, team, momo, lina
):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    earlier = _encounter(volunteer, team)
    _change_encounter(coordinator, earlier, persons=[momo])  # Momo met earlier
    today = _encounter(volunteer, team)
    client.force_login(volunteer)
    found = client.post(_url(today), _typed(today, q="m", search="1"))
    assert found.context["results"] == [momo]
    assert "Momo" in found.text and "Mohamed" not in found.text and "Idrissi" not in found.text
    nobody = client.post(_url(today), _typed(today, q="Lin", search="1"))
    assert nobody.context["results"] == []
    assert "Nobody found" in nobody.text
    response = client.post(_url(today), _typed(today, persons=[str(momo.public_id)]))
    assert response.status_code == 302
    assert list(Encounter.objects.get(pk=today.pk).persons.all()) == [momo]


def test_a_person_the_user_does_not_see_cannot_be_added(
    client, make_user, organisation, team, momo, lina
):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    encounter = _encounter(volunteer, team)
    client.force_login(volunteer)
    added = client.post(_url(encounter), _typed(encounter, add_person=str(lina.public_id)))
    assert added.status_code == 200 and "Lina" not in added.text
    assert added.context["named"] == []
    response = client.post(_url(encounter), _typed(encounter, persons=[str(lina.public_id)]))
    assert response.status_code == 200
    assert "persons" in response.context["form"].errors
    assert not Encounter.objects.get(pk=encounter.pk).persons.exists()
    garbage = client.post(_url(encounter), _typed(encounter, persons=["not-an-id"]))
    assert garbage.status_code == 200 and "persons" in garbage.context["form"].errors


def test_a_colleagues_save_during_a_search_gives_the_409_page(
    client, social_worker, make_user, organisation, team, momo, lina
):
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    encounter = _encounter(social_worker, team, persons=[momo])
    client.force_login(social_worker)
    typed = _typed(encounter, persons=[str(momo.public_id)], note="Mien")
    searched = client.post(_url(encounter), {**typed, "add_person": str(lina.public_id)})
    assert searched.context["form"]["version"].value() == "1"
    _change_encounter(coordinator, encounter, note="Le sien")
    response = client.post(
        _url(encounter), {**typed, "persons": [str(momo.public_id), str(lina.public_id)]}
    )
    assert response.status_code == 409
    assert response.context["form"]["note"].value() == "Mien"
    encounter.refresh_from_db()
    assert encounter.note == "Le sien" and list(encounter.persons.all()) == [momo]


def test_the_edit_form_costs_bounded_queries_while_searching(
    client, social_worker, team, momo, lina, django_assert_max_num_queries
):
    encounter = _encounter(social_worker, team, persons=[momo])
    client.force_login(social_worker)
    client.get(_url(encounter))
    typed = _typed(encounter, persons=[str(momo.public_id)], q="Lin", search="1")
    with django_assert_max_num_queries(16):
        assert client.post(_url(encounter), typed).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.post(_url(encounter), {**typed, "add_person": str(lina.public_id)})
        assert response.status_code == 200
