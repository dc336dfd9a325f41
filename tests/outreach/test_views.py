import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import timeline
from lien.casework.models import FollowUp
from lien.outreach import services
from lien.outreach.models import Encounter, Passage, Presence
from lien.outreach.services import Cell
from lien.people.models import Person
from lien.people.services import create_person
from tests.factories import TeamFactory

NEW = reverse("outreach:encounter_new")


def _post(client, **data):
    payload = {"client_token": str(uuid.uuid4()), "kind": "street"}
    payload.update(data)
    return client.post(NEW, payload)


def _team_field(client, team):
    return {"team": str(team.public_id)}


def test_the_street_work_page_shows_the_presence_under_way(client, social_worker, presence):
    client.force_login(social_worker)
    response = client.get(reverse("outreach:home"))
    assert response.status_code == 200
    assert reverse("outreach:presence_end", args=[presence.public_id]) in response.text


def test_a_house_manager_cannot_reach_street_work(client, make_user, organisation, team):
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    client.force_login(manager)
    assert client.get(reverse("outreach:home")).status_code == 403
    assert client.get(NEW).status_code == 403


def test_another_organisation_gets_404_on_a_presence(
    client, make_user, other_organisation, presence
):
    stranger = make_user(Role.COORDINATOR, organisation=other_organisation)
    client.force_login(stranger)
    url = reverse("outreach:presence_end", args=[presence.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"atmosphere": "x"}).status_code == 404
    presence.refresh_from_db()
    assert presence.ended_at is None


def test_a_presence_starts_prefilled_and_ends(client, social_worker, team, territory, place):
    client.force_login(social_worker)
    response = client.post(
        reverse("outreach:presence_start"),
        {
            "client_token": str(uuid.uuid4()),
            "team": team.public_id,
            "territory": territory.public_id,
            "places": [place.public_id],
        },
    )
    assert response.status_code == 302
    presence = Presence.objects.get()
    assert presence.is_under_way
    # The next start proposes the same neighbourhood.
    response = client.get(reverse("outreach:presence_start"))
    assert response.context["form"].initial["territory"] == territory.public_id
    response = client.post(
        reverse("outreach:presence_end", args=[presence.public_id]), {"atmosphere": "calme"}
    )
    assert response.status_code == 302
    presence.refresh_from_db()
    assert presence.ended_at is not None and presence.atmosphere == "calme"


def test_the_encounter_form_remembers_the_place_of_my_presence(client, social_worker, presence):
    client.force_login(social_worker)
    response = client.get(NEW)
    form = response.context["form"]
    assert form.initial["place"] == presence.places.get().public_id
    assert form.initial["kind"] == Encounter.Kind.STREET
    assert 'name="client_token"' in response.text
    assert "<details>" in response.text


def test_a_typical_anonymous_encounter_is_recorded_once(
    client, social_worker, team, presence, themes
):
    client.force_login(social_worker)
    token = str(uuid.uuid4())
    data = {
        "client_token": token,
        "kind": "street",
        "count_18-21_m": "3",
        "themes": [themes["employment"].public_id],
        # As the form proposes it.
        "place": client.get(NEW).context["form"].initial["place"],
        **_team_field(client, team),
    }
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    encounter = Encounter.objects.get()
    assert encounter.presence == presence and encounter.place == presence.places.get()
    assert list(encounter.counts.values_list("age_band", "gender", "count")) == [("18-21", "M", 3)]
    assert list(encounter.themes.all()) == [themes["employment"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"count_18-21_m": "-1"}, "count_18-21_m"),
        ({"count_18-21_m": "2", "occurred_at": "2099-01-01T10:00"}, "occurred_at"),
        ({"count_18-21_m": "2", "occurred_at": "0001-01-01T10:00"}, "occurred_at"),
        ({"count_18-21_m": "2", "note": "x" * 100_000}, "note"),
        ({"count_18-21_m": "60"}, "confirm_large"),
        ({"count_18-21_m": "99999999999"}, "count_18-21_m"),
        ({"count_18-21_m": "2", "client_token": "not-a-uuid"}, "client_token"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_written(client, social_worker, team, data, field):
    client.force_login(social_worker)
    response = _post(client, **_team_field(client, team), **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Encounter.objects.exists()


def test_a_large_count_is_accepted_once_confirmed(client, social_worker, team):
    client.force_login(social_worker)
    response = _post(
        client, **_team_field(client, team), **{"count_18-21_m": "60"}, confirm_large="on"
    )
    assert response.status_code == 302
    assert Encounter.objects.get().counts.get().count == 60


def test_an_encounter_with_nobody_is_refused(client, social_worker, team):
    client.force_login(social_worker)
    response = _post(client, **_team_field(client, team))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Encounter.objects.exists()


def _quick_create(client, team, nickname, **data):
    """The encounter form's "New file from this nickname" button, nothing else typed."""
    return _post(
        client,
        **_team_field(client, team),
        **{"quick-nickname": nickname, "quick_create": "1"},
        **data,
    )


def test_quick_create_shows_candidates_before_creating(client, social_worker, team):
    momo = create_person(by=social_worker, team=team, data={"nickname": "Momo"})
    client.force_login(social_worker)
    response = _quick_create(client, team, "Momo")
    assert response.status_code == 200
    assert [c.person for c in response.context["candidates"]] == [momo]
    assert Person.objects.count() == 1
    response = _quick_create(
        client, team, "Momo", **{"quick-confirm_new": "on", "quick-seen": str(momo.public_id)}
    )
    assert response.status_code == 200 and not Encounter.objects.exists()
    new = Person.objects.order_by("-pk").first()
    assert new != momo and response.context["named"] == [new]
    assert f'name="persons" value="{new.public_id}"' in response.text


def test_a_nickname_with_markup_is_shown_as_text(client, social_worker, team):
    client.force_login(social_worker)
    page = _quick_create(client, team, "<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text


def test_a_volunteer_may_log_encounters_but_not_create_files(client, volunteer, team):
    client.force_login(volunteer)
    assert client.get(NEW).status_code == 200
    assert "quick_create" not in client.get(NEW).text
    response = _quick_create(client, team, "Momo", **{"count_lt15_u": "2"})
    assert response.status_code == 403
    assert not Person.objects.exists() and not Encounter.objects.exists()
    assert _post(client, **_team_field(client, team), **{"count_lt15_u": "2"}).status_code == 302
    assert Encounter.objects.get().counts.get().gender == "?"


def test_a_malformed_person_id_in_the_address_is_ignored(client, social_worker):
    client.force_login(social_worker)
    response = client.get(NEW + "?person=not-a-uuid&q=zz")
    assert response.status_code == 200 and response.context["named"] == []


def test_the_search_finds_people_by_nickname_without_javascript(client, social_worker, team):
    momo = create_person(by=social_worker, team=team, data={"nickname": "Momo"})
    client.force_login(social_worker)
    response = client.get(NEW + "?q=mom")
    assert response.context["results"] == [momo]
    assert AuditEvent.objects.filter(action="person.searched", actor=social_worker).exists()
    # "Add" posts the encounter form, so that nothing typed in it is lost.
    assert f'name="add_person" value="{momo.public_id}"' in response.text


def test_the_street_work_page_costs_the_same_queries_whatever_the_volume(
    client, social_worker, team, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            services.record_encounter(
                by=social_worker,
                team=team,
                client_token=uuid.uuid4(),
                occurred_at=timezone.now(),
                counts=[Cell("18-21", "M", 2)],
            )
            services.start_presence(by=social_worker, team=team, territory=None)

    client.force_login(social_worker)
    add(2)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:home")).status_code == 200
    add(25)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("outreach:home")).status_code == 200


def test_the_encounter_form_costs_bounded_queries(
    client, social_worker, presence, themes, django_assert_max_num_queries
):
    client.force_login(social_worker)
    with django_assert_max_num_queries(16):
        assert client.get(NEW).status_code == 200


def test_a_passage_is_recorded_once(client, social_worker, team):
    client.force_login(social_worker)
    data = {
        "client_token": str(uuid.uuid4()),
        "team": team.public_id,
        "age_band": "gt25",
        "gender": "F",
        "services": ["shower"],
    }
    assert client.post(reverse("outreach:passage_new"), data).status_code == 302
    assert client.post(reverse("outreach:passage_new"), data).status_code == 302
    assert Passage.objects.get().services == ["shower"]
    future = {**data, "client_token": str(uuid.uuid4()), "occurred_at": "2099-01-01T10:00"}
    response = client.post(reverse("outreach:passage_new"), future)
    assert response.status_code == 200 and "occurred_at" in response.context["form"].errors
    assert Passage.objects.count() == 1


def test_named_encounters_appear_on_the_timeline_of_those_who_see_them(
    client, social_worker, team, make_user, organisation
):
    person = create_person(by=social_worker, team=team, data={"nickname": "Momo"})
    services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        persons=[person],
    )
    items, _more = timeline.for_person(social_worker, person)
    assert "encounter" in {item.kind for item in items}
    # A social worker of another team that also follows the person does not see this team's
    # street work.
    other_team = TeamFactory(organisation=organisation)
    other = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    FollowUp.objects.create(organisation=organisation, person=person, team=other_team)
    items, _more = timeline.for_person(other, person)
    assert items and "encounter" not in {item.kind for item in items}
    client.force_login(social_worker)
    page = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert page.status_code == 200


def test_the_list_counts_people_once_when_an_encounter_also_names_people(
    client, social_worker, team
):
    named = [create_person(by=social_worker, team=team, data={"nickname": n}) for n in ("A", "B")]
    services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        persons=named,
        counts=[Cell("18-21", "M", 3), Cell("15-17", "F", 1)],
    )
    client.force_login(social_worker)
    encounter = client.get(reverse("outreach:home")).context["encounters"][0]
    assert (encounter.people, encounter.named) == (4, 2)


def test_a_worker_in_no_team_is_told_so_and_nothing_is_written(client, make_user, organisation):
    loner = make_user(Role.SOCIAL_WORKER, organisation=organisation)
    client.force_login(loner)
    client.cookies["django_language"] = "en"
    response = _post(client, **{"count_18-21_m": "2"})
    assert response.status_code == 200
    assert "no team doing street work" in response.text
    assert not Encounter.objects.exists()
