"""Opening a file from a nickname, or finding the person of a drop-in visit, happens inside
the record's form: nothing typed in it is lost, nothing is saved until Save."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.audit.models import AuditEvent
from lien.casework.models import FollowUp
from lien.outreach.models import Encounter, Passage
from lien.people.models import Person
from lien.people.services import create_person
from tests.factories import TeamFactory

NEW = reverse("outreach:encounter_new")
PASSAGE = reverse("outreach:passage_new")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def momo(social_worker, team):
    return create_person(by=social_worker, team=team, data={"nickname": "Momo"})


@pytest.fixture
def typed(team, place, themes):
    """An encounter form filled in on the phone, before anybody is named."""
    return {
        "client_token": str(uuid.uuid4()),
        "team": str(team.public_id),
        "kind": "phone",
        "place": str(place.public_id),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "count_18-21_m": "3",
        "count_15-17_f": "2",
        "themes": [str(themes["housing"].public_id), str(themes["health"].public_id)],
        "note": "Parle de son logement",
        "new_people": "on",
        "follow_up_needed": "on",
    }


def _assert_kept(response, typed: dict) -> None:
    """The form came back unchecked with every value as typed."""
    form = response.context["form"]
    assert not form.is_bound
    for name, value in typed.items():
        if name in ("new_people", "follow_up_needed"):
            assert form[name].value() is True, name
        else:
            assert form[name].value() == value, name
    assert "Parle de son logement" in response.text
    assert f'value="{typed["client_token"]}"' in response.text


def test_opening_a_file_from_a_nickname_keeps_everything_typed_and_names_the_person(
    client, social_worker, team, momo, typed
):
    client.force_login(social_worker)
    # Momo is already named; Kiki is new.
    response = client.post(
        NEW,
        {
            **typed,
            "persons": [str(momo.public_id)],
            "quick-nickname": "Kiki",
            "quick_create": "1",
        },
    )
    assert response.status_code == 200 and not Encounter.objects.exists()
    kiki = Person.objects.get(nickname="Kiki")
    assert FollowUp.objects.filter(person=kiki, team=team).exists()
    assert AuditEvent.objects.filter(action="person.created", actor=social_worker).count() == 2
    assert response.context["named"] == [momo, kiki]
    _assert_kept(response, typed)
    for person in (momo, kiki):
        assert f'name="persons" value="{person.public_id}"' in response.text
    # The nickname box is empty again: Save records the encounter.
    assert response.context["quick_form"]["nickname"].value() in (None, "")
    saved = client.post(NEW, {**typed, "persons": [str(momo.public_id), str(kiki.public_id)]})
    assert saved.status_code == 302
    encounter = Encounter.objects.get()
    assert set(encounter.persons.all()) == {momo, kiki}
    assert encounter.note == "Parle de son logement" and encounter.kind == "phone"
    assert encounter.themes.count() == 2 and encounter.follow_up_needed
    assert sorted(encounter.counts.values_list("age_band", "gender", "count", "is_new")) == [
        ("15-17", "F", 2, True),
        ("18-21", "M", 3, True),
    ]
    assert str(encounter.client_token) == typed["client_token"]


def test_a_nickname_that_may_be_someone_known_shows_them_first(client, social_worker, momo, typed):
    client.force_login(social_worker)
    asked = client.post(NEW, {**typed, "quick-nickname": "Momo", "quick_create": "1"})
    assert asked.status_code == 200
    assert [candidate.person for candidate in asked.context["candidates"]] == [momo]
    assert Person.objects.count() == 1 and not Encounter.objects.exists()
    _assert_kept(asked, typed)
    assert asked.context["quick_form"]["nickname"].value() == "Momo"
    assert f'name="add_person" value="{momo.public_id}"' in asked.text
    assert 'name="quick-confirm_new"' in asked.text

    # "Yes, this one": Momo is named, the nickname box is emptied, nothing else changes.
    chosen = client.post(
        NEW, {**typed, "quick-nickname": "Momo", "add_person": str(momo.public_id)}
    )
    assert chosen.status_code == 200 and chosen.context["named"] == [momo]
    assert chosen.context["quick_form"]["nickname"].value() in (None, "")
    assert Person.objects.count() == 1
    _assert_kept(chosen, typed)

    # "None of these" for the people shown: a new file.
    created = client.post(
        NEW,
        {
            **typed,
            "quick-nickname": "Momo",
            "quick-confirm_new": "on",
            "quick-seen": [str(momo.public_id)],
            "quick_create": "1",
        },
    )
    assert created.status_code == 200 and Person.objects.filter(nickname="Momo").count() == 2
    new = Person.objects.order_by("-pk").first()
    assert created.context["named"] == [new]
    _assert_kept(created, typed)


def test_none_of_these_answers_only_for_the_people_shown(client, social_worker, momo, typed):
    """A second tap on "create", or the page reloaded after it, finds the file just created
    instead of opening a second one."""
    client.force_login(social_worker)
    confirm = {
        **typed,
        "quick-nickname": "Momo",
        "quick-confirm_new": "on",
        "quick-seen": [str(momo.public_id)],
        "quick_create": "1",
    }
    first = client.post(NEW, confirm)
    again = client.post(NEW, confirm)
    assert Person.objects.filter(nickname="Momo").count() == 2
    new = first.context["named"][0]
    assert {c.person for c in again.context["candidates"]} == {momo, new}
    assert again.context["named"] == []
    assert not again.context["quick_form"]["confirm_new"].value()
    # Without anything shown, "None of these" does not skip the check either.
    blind = client.post(NEW, {**confirm, "quick-seen": []})
    assert blind.context["candidates"] and Person.objects.filter(nickname="Momo").count() == 2
    assert not Encounter.objects.exists()


def test_pressing_enter_in_the_nickname_box_opens_the_file_rather_than_saving(
    client, social_worker, typed
):
    client.force_login(social_worker)
    response = client.post(NEW, {**typed, "quick-nickname": "Kiki"})
    assert response.status_code == 200 and not Encounter.objects.exists()
    assert response.context["named"] == [Person.objects.get(nickname="Kiki")]
    _assert_kept(response, typed)


def test_a_search_keeps_the_nickname_typed_for_a_new_file(client, social_worker, momo, typed):
    client.force_login(social_worker)
    response = client.post(NEW, {**typed, "q": "Mom", "search": "1", "quick-nickname": "Kiki"})
    assert response.status_code == 200 and response.context["results"] == [momo]
    assert response.context["quick_form"]["nickname"].value() == "Kiki"
    assert not Person.objects.filter(nickname="Kiki").exists()
    _assert_kept(response, typed)


@pytest.mark.parametrize("nickname", ["", "   ", "x" * 101])
def test_a_bad_nickname_is_an_error_and_keeps_everything_typed(
    client, social_worker, typed, nickname
):
    client.force_login(social_worker)
    response = client.post(NEW, {**typed, "quick-nickname": nickname, "quick_create": "1"})
    assert response.status_code == 200
    assert response.context["quick_form"].errors["nickname"]
    assert not Person.objects.exists() and not Encounter.objects.exists()
    _assert_kept(response, typed)


def test_the_file_is_opened_by_the_encounter_team(
    client, make_user, organisation, other_organisation, team, typed
):
    from lien.accounts.models import Role

    second = TeamFactory(organisation=organisation)
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, second])
    client.force_login(worker)
    client.post(
        NEW, {**typed, "team": str(second.public_id), "quick-nickname": "Kiki", "quick_create": "1"}
    )
    kiki = Person.objects.get(nickname="Kiki")
    assert list(FollowUp.objects.filter(person=kiki).values_list("team", flat=True)) == [second.pk]
    # Another organisation's team in the form is not the user's: their own team opens it.
    foreign = TeamFactory(organisation=other_organisation)
    client.post(
        NEW,
        {**typed, "team": str(foreign.public_id), "quick-nickname": "Zaza", "quick_create": "1"},
    )
    zaza = Person.objects.get(nickname="Zaza")
    assert FollowUp.objects.get(person=zaza).team.organisation == organisation


def test_opening_a_file_from_the_encounter_form_costs_bounded_queries(
    client, social_worker, typed, momo, django_assert_max_num_queries
):
    client.force_login(social_worker)
    # The encounter form (as shown, without a presence under way) and the duplicate check.
    with django_assert_max_num_queries(12):
        asked = client.post(NEW, {**typed, "quick-nickname": "Momo", "quick_create": "1"})
    assert asked.context["candidates"]
    # And the file, its follow-up and their audit events.
    with django_assert_max_num_queries(22):
        created = client.post(NEW, {**typed, "quick-nickname": "Kiki", "quick_create": "1"})
    assert created.context["named"]


# The drop-in visit: its person search is part of the visit's form.


@pytest.fixture
def visit(team, place):
    return {
        "client_token": str(uuid.uuid4()),
        "team": str(team.public_id),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": str(place.public_id),
        "services": ["shower", "laundry"],
    }


def test_finding_the_person_of_a_visit_keeps_everything_typed(client, social_worker, momo, visit):
    client.force_login(social_worker)
    found = client.post(PASSAGE, {**visit, "q": "Mom", "search": "1"})
    assert found.status_code == 200 and not Passage.objects.exists()
    assert found.context["results"] == [momo]
    form = found.context["form"]
    assert not form.is_bound
    for name, value in visit.items():
        assert form[name].value() == value, name
    assert f'name="add_person" value="{momo.public_id}"' in found.text
    # Pressing Enter in the search box searches too.
    entered = client.post(PASSAGE, {**visit, "q": "Mom"})
    assert entered.status_code == 200 and not Passage.objects.exists()
    chosen = client.post(PASSAGE, {**visit, "add_person": str(momo.public_id)})
    assert chosen.status_code == 200 and chosen.context["chosen"] == momo
    form = chosen.context["form"]
    for name, value in visit.items():
        assert form[name].value() == value, name
    assert f'name="person" value="{momo.public_id}"' in chosen.text
    # A second search keeps the person already chosen.
    again = client.post(PASSAGE, {**visit, "person": str(momo.public_id), "q": "zz"})
    assert again.context["chosen"] == momo
    saved = client.post(PASSAGE, {**visit, "person": str(momo.public_id)})
    assert saved.status_code == 302
    passage = Passage.objects.get()
    assert passage.person == momo and passage.services == ["laundry", "shower"]
    assert str(passage.client_token) == visit["client_token"]


def test_a_visit_search_never_chooses_someone_the_user_does_not_see(client, volunteer, momo, visit):
    client.force_login(volunteer)
    response = client.post(PASSAGE, {**visit, "add_person": str(momo.public_id)})
    assert response.status_code == 200 and response.context["chosen"] is None
    assert "Momo" not in response.text
    response = client.post(PASSAGE, {**visit, "person": str(momo.public_id), "q": "x"})
    assert response.context["chosen"] is None


def test_the_visit_form_costs_bounded_queries(
    client, social_worker, momo, visit, django_assert_max_num_queries
):
    client.force_login(social_worker)
    # Session (its first save after the login included), user, roles, teams, places, last visit.
    with django_assert_max_num_queries(10):
        assert client.get(PASSAGE).status_code == 200
    # And the person chosen, the search and its audit event.
    with django_assert_max_num_queries(12):
        found = client.post(PASSAGE, {**visit, "add_person": str(momo.public_id), "q": "Mom"})
    assert found.context["results"] == [momo]
