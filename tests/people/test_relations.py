import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.people import services
from lien.people.models import Person, Relation

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def mother(create_person):
    return create_person(first_name="Fatima", last_name="Benali", birth_year=1970)


@pytest.fixture
def son(create_person):
    return create_person(first_name="Youssef", last_name="Benali", birth_year=1999)


@pytest.fixture
def relate(social_worker):
    def relate(person, relative, kind="parent", by=None, **data):
        return services.add_relation(
            by=by or social_worker, person=person, relative=relative, data={"kind": kind, **data}
        )

    return relate


def file_url(person: Person) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id})


def add_url(person: Person) -> str:
    return reverse("people:relation_add", kwargs={"public_id": person.public_id})


def test_a_relation_is_found_by_search_and_added_from_the_file(sw_client, mother, son):
    search = sw_client.get(add_url(son), {"q": "Fatima"})
    assert search.status_code == 200
    assert [p.first_name for p in search.context["found"]] == ["Fatima"]
    response = sw_client.post(
        add_url(son), {"q": "Fatima", "relative": str(mother.public_id), "kind": "parent"}
    )
    assert response.status_code == 302
    relation = Relation.objects.get()
    assert (relation.person, relation.relative, relation.kind) == (son, mother, "parent")
    assert AuditEvent.objects.filter(action="relation.added", object_id=str(relation.public_id))


def test_a_relation_reads_the_right_way_on_both_files(sw_client, mother, son, relate):
    relate(son, mother, "parent", note="Vient le mardi")
    on_son = sw_client.get(file_url(son))
    on_mother = sw_client.get(file_url(mother))
    assert [(s.other, s.label) for s in on_son.context["relations"]] == [(mother, "Parent")]
    assert [(s.other, s.label) for s in on_mother.context["relations"]] == [(son, "Child")]
    assert "Vient le mardi" in on_mother.content.decode()


def test_nobody_is_related_to_themselves(social_worker, mother, relate):
    with pytest.raises(ValidationError):
        relate(mother, mother)
    with pytest.raises(IntegrityError, match="relation_not_with_oneself"):
        Relation.objects.create(
            organisation=mother.organisation, person=mother, relative=mother, kind="friend"
        )


def test_a_pair_has_one_current_relation_whichever_way_round(mother, son, relate):
    relate(son, mother, "parent")
    with pytest.raises(ValidationError):
        relate(mother, son, "child")
    with pytest.raises(IntegrityError, match="relation_one_current_per_pair"):
        Relation.objects.create(
            organisation=son.organisation, person=mother, relative=son, kind="friend"
        )


def test_an_archived_relation_makes_room_for_a_new_one(social_worker, mother, son, relate):
    old = relate(son, mother, "friend")
    services.archive_relation(by=social_worker, relation=old, version=1)
    assert relate(mother, son, "child").kind == "child"


def test_a_relation_never_shows_a_person_the_viewer_may_not_see(
    login, mother, relate, create_person, colleague_elsewhere, other_team, team, make_user
):
    hidden = create_person(
        by=colleague_elsewhere, team_=other_team, first_name="Karim", last_name="Secret"
    )
    both = make_user(Role.COORDINATOR, organisation=team.organisation, teams=[team, other_team])
    relate(mother, hidden, "sibling", by=both)
    assert len(login(both).get(file_url(mother)).context["relations"]) == 1
    sw = make_user(Role.SOCIAL_WORKER, organisation=team.organisation, teams=[team])
    page = login(sw).get(file_url(mother))
    assert page.context["relations"] == []
    assert "Secret" not in page.content.decode() and "Karim" not in page.content.decode()


def test_adding_a_relation_to_someone_not_visible_is_refused(
    sw_client, mother, create_person, other_team, colleague_elsewhere
):
    hidden = create_person(by=colleague_elsewhere, team_=other_team, first_name="Karim")
    for relative in (str(hidden.public_id), "not-a-uuid", ""):
        response = sw_client.post(
            add_url(mother), {"q": "Karim", "relative": relative, "kind": "sibling"}
        )
        assert response.status_code == 200
        assert "relative" in response.context["form"].errors
    assert not Relation.objects.exists()
    # The search does not show them either.
    assert sw_client.get(add_url(mother), {"q": "Karim"}).context["found"] == []


def test_relation_dates_cannot_be_in_the_future_nor_end_before_they_start(sw_client, mother, son):
    base = {"q": "Youssef", "relative": str(son.public_id), "kind": "child"}
    future = sw_client.post(add_url(mother), {**base, "started_on": TOMORROW.isoformat()})
    assert "started_on" in future.context["form"].errors
    backwards = sw_client.post(
        add_url(mother), {**base, "started_on": "2020-05-01", "ended_on": "2020-04-01"}
    )
    assert "ended_on" in backwards.context["form"].errors
    long_note = sw_client.post(add_url(mother), {**base, "note": "x" * 10_000})
    assert "note" in long_note.context["form"].errors
    assert not Relation.objects.exists()


def test_markup_in_a_relation_note_and_names_is_shown_as_text(sw_client, create_person, relate):
    script = "<script>alert(1)</script>"
    a = create_person(nickname=script)
    b = create_person(nickname="Momo")
    relation = relate(b, a, "friend", note=script)
    for url in (
        file_url(b),
        reverse("people:relation_edit", kwargs={"public_id": relation.public_id}),
        add_url(b) + "?q=script",
    ):
        body = sw_client.get(url).content.decode()
        assert script not in body, url
        assert "&lt;script&gt;" in body, url


def test_two_workers_changing_the_same_relation_see_a_conflict(
    sw_client, mother, son, relate, make_user, organisation, team
):
    relation = relate(son, mother, "parent")
    url = reverse("people:relation_edit", kwargs={"public_id": relation.public_id})
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    assert sw_client.post(url, {"kind": "parent", "note": "first", "version": 1}).status_code == 302
    clash = other.post(url, {"kind": "parent", "note": "second", "version": 1})
    assert clash.status_code == 409
    assert "first" in clash.content.decode() and "second" in clash.content.decode()
    relation.refresh_from_db()
    assert relation.note == "first"


def test_changing_a_relation_from_the_relatives_file_goes_back_there(
    sw_client, mother, son, relate
):
    relation = relate(son, mother, "parent")
    url = reverse("people:relation_edit", kwargs={"public_id": relation.public_id})
    response = sw_client.post(
        f"{url}?from={mother.public_id}", {"kind": "parent", "note": "", "version": 1}
    )
    assert response.url == file_url(mother)


def test_archiving_a_relation_takes_it_off_both_files(sw_client, mother, son, relate):
    relation = relate(son, mother, "parent")
    url = reverse("people:relation_archive", kwargs={"public_id": relation.public_id})
    assert sw_client.post(url, {"version": 1}).status_code == 302
    assert sw_client.get(file_url(son)).context["relations"] == []
    assert sw_client.get(file_url(mother)).context["relations"] == []
    relation.refresh_from_db()
    assert relation.archived_at is not None


def test_the_three_actors_on_the_relation_pages(
    login, mother, son, relate, colleague_elsewhere, stranger, make_user, organisation, team
):
    relation = relate(son, mother)
    urls = [add_url(son), reverse("people:relation_edit", kwargs={"public_id": relation.public_id})]
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    for url in urls:
        assert login(manager).get(url).status_code == 403
        assert login(colleague_elsewhere).get(url).status_code == 404
        assert login(stranger).get(url).status_code == 404
    archive = reverse("people:relation_archive", kwargs={"public_id": relation.public_id})
    assert login(stranger).post(archive, {"version": 1}).status_code == 404
    assert login(colleague_elsewhere).post(archive, {"version": 1}).status_code == 404
    relation.refresh_from_db()
    assert relation.archived_at is None
    # A house manager sees relations between residents of their house.
    assert [s.other for s in login(manager).get(file_url(son)).context["relations"]] == [mother]
