import pytest
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.people.models import Person
from tests.factories import TeamFactory


def new_person(client, team, **overrides):
    data = {"team": str(team.public_id), "gender": "U", **overrides}
    return client.post(reverse("people:person_create"), data)


@pytest.fixture
def sw_client(client, social_worker):
    client.force_login(social_worker)
    return client


def test_a_person_can_start_as_a_nickname_only(sw_client, team):
    response = new_person(sw_client, team, nickname="Momo")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.nickname == "Momo"
    assert person.follow_ups.get().team == team
    assert AuditEvent.objects.filter(action="person.created", object_id=str(person.public_id))


def test_a_person_without_any_name_is_refused_with_a_message(sw_client, team):
    response = new_person(sw_client, team, phone="0470 12 34 56")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="0470 12 34 56"' in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1987", (1987, None, None)),
        ("03/1987", (1987, 3, None)),
        ("14/03/1987", (1987, 3, 14)),
        ("1987-03-14", (1987, 3, 14)),
    ],
)
def test_birth_dates_may_be_partial(sw_client, team, typed, expected):
    new_person(sw_client, team, nickname="Zaza", birth_date=typed)
    person = Person.objects.get()
    assert (person.birth_year, person.birth_month, person.birth_day) == expected


@pytest.mark.parametrize("typed", ["31/02/1990", "2999", "01/01/2999", "13/1990", "hier", "1850"])
def test_impossible_or_future_birth_dates_are_explained(sw_client, team, typed):
    response = new_person(sw_client, team, nickname="Zaza", birth_date=typed)
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_niss_with_a_wrong_checksum_warns_and_saves(sw_client, team):
    sw_client.cookies["django_language"] = "en"
    response = new_person(sw_client, team, last_name="Peeters", niss="85.07.30-033.29")
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.niss == "85073003329"
    assert not person.niss_checksum_ok
    page = sw_client.get(response.url)
    warnings = [m.message for m in page.context["messages"] if m.level_tag == "warning"]
    warning = "The national register number looks mistyped (checksum); it was saved."
    assert warnings == [warning]
    assert warning in page.content.decode()
    assert 'class="badge alert">checksum wrong<' in page.content.decode()


def test_the_niss_is_encrypted_at_rest_and_found_by_exact_search(sw_client, team):
    from django.db import connection

    new_person(sw_client, team, last_name="Janssens", niss="85073003328")
    with connection.cursor() as cursor:
        cursor.execute("SELECT niss FROM people_person")
        stored = cursor.fetchone()[0]
    assert "85073003328" not in stored
    response = sw_client.get(reverse("people:person_list"), {"q": "85.07.30-033.28"})
    assert [p.last_name for p in response.context["results"]] == ["Janssens"]


def test_a_niss_of_the_wrong_length_is_refused(sw_client, team):
    response = new_person(sw_client, team, last_name="Peeters", niss="1234")
    assert "niss" in response.context["form"].errors


def test_a_long_name_and_markup_are_handled(sw_client, team):
    response = new_person(sw_client, team, nickname="x" * 101)
    assert "nickname" in response.context["form"].errors
    new_person(sw_client, team, nickname='<img src=x onerror="alert(1)">')
    person = Person.objects.get()
    page = sw_client.get(reverse("people:person_detail", kwargs={"public_id": person.public_id}))
    body = page.content.decode()
    assert '<img src=x onerror="alert(1)">' not in body
    assert "&lt;img" in body


def test_reading_a_file_is_audited(sw_client, create_person, social_worker):
    person = create_person(nickname="Momo")
    url = reverse("people:person_detail", kwargs={"public_id": person.public_id})
    assert sw_client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.actor == social_worker
    assert event.object_id == str(person.public_id)


def test_a_team_that_does_not_follow_the_person_gets_404(
    client, create_person, make_user, organisation
):
    person = create_person(nickname="Momo")
    other_team = TeamFactory(organisation=organisation)
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    client.force_login(colleague)
    url = reverse("people:person_detail", kwargs={"public_id": person.public_id})
    assert client.get(url).status_code == 404


def test_a_house_manager_sees_identity_but_not_the_residence_status(
    client, create_person, make_user, organisation, team
):
    person = create_person(first_name="Ana", last_name="Popescu", residence_status="irregular")
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("people:person_detail", kwargs={"public_id": person.public_id}))
    assert page.status_code == 200
    assert "Popescu" in page.content.decode()
    assert not page.context["sensitive"]
    assert "No legal residence" not in page.content.decode()


def test_two_workers_editing_the_same_person_do_not_overwrite_each_other(
    sw_client, create_person, make_user, organisation, team
):
    from django.test import Client

    person = create_person(nickname="Momo", phone="0470 00 00 00")
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    url = reverse("people:person_edit", kwargs={"public_id": person.public_id})
    base = {"nickname": "Momo", "gender": "U", "version": 1}
    assert sw_client.post(url, {**base, "phone": "0470 11 11 11"}).status_code == 302
    clash = other.post(url, {**base, "phone": "0470 22 22 22"})
    assert clash.status_code == 409
    body = clash.content.decode()
    assert "0470 22 22 22" in body and "0470 11 11 11" in body
    assert Person.objects.get().phone == "0470 11 11 11"


def test_a_duplicate_candidate_is_shown_before_saving_a_variant_spelling(sw_client, team):
    new_person(sw_client, team, first_name="Mohamed", last_name="El Amrani", birth_date="1990")
    response = new_person(
        sw_client, team, first_name="Muhammad", last_name="Elamrani", birth_date="1990"
    )
    assert response.status_code == 200
    assert [c.person.last_name for c in response.context["candidates"]] == ["El Amrani"]
    assert Person.objects.count() == 1
    confirmed = new_person(
        sw_client,
        team,
        first_name="Muhammad",
        last_name="Elamrani",
        birth_date="1990",
        confirm_new="on",
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_search_finds_variants_nicknames_and_birth_years(sw_client, create_person):
    create_person(first_name="Youssef", last_name="Benali", birth_year=1999)
    create_person(nickname="Momo", birth_year=2004)
    create_person(first_name="Sara", last_name="Peeters", birth_year=1999)

    def names(q):
        response = sw_client.get(reverse("people:person_list"), {"q": q})
        return sorted(p.first_name or p.nickname for p in response.context["results"])

    assert names("Yusuf") == ["Youssef"]
    assert names("momo") == ["Momo"]
    assert names("1999") == ["Sara", "Youssef"]
    assert names("Ben 1999") == ["Youssef"]
    assert names("nobody") == []


def test_search_never_shows_another_organisations_people(
    client, create_person, make_user, other_organisation
):
    create_person(first_name="Youssef", last_name="Benali")
    stranger_team = TeamFactory(organisation=other_organisation)
    stranger = make_user(Role.SOCIAL_WORKER, organisation=other_organisation, teams=[stranger_team])
    client.force_login(stranger)
    response = client.get(reverse("people:person_list"), {"q": "Benali"})
    assert response.context["results"] == []


def test_the_person_file_costs_the_same_queries_whatever_the_history(
    sw_client, create_person, social_worker
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lien.casework.models import FollowUp

    person = create_person(nickname="Momo")
    url = reverse("people:person_detail", kwargs={"public_id": person.public_id})
    sw_client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert sw_client.get(url).status_code == 200
        return len(ctx)

    small = count()
    for _ in range(10):
        team = TeamFactory(organisation=social_worker.organisation)
        FollowUp.objects.create(organisation=social_worker.organisation, person=person, team=team)
    # The file gathers sections of several apps (people, casework, projects, street work): each
    # adds a fixed number of queries, never one per record. The timeline alone reads one
    # query per source (notes, procedures, follow-ups, referrals, appointments, documents,
    # encounters, mediations).
    assert count() == small <= 26
