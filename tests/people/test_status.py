import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.core.versioning import EditConflict
from lien.people import services
from lien.people.models import Person

TODAY = timezone.localdate()


@pytest.fixture
def person(create_person):
    return create_person(first_name="Youssef", last_name="Benali", birth_year=1999)


def url(name: str, person: Person) -> str:
    return reverse(f"people:{name}", kwargs={"public_id": person.public_id})


def search(client, q: str, **extra) -> list[Person]:
    return list(client.get(reverse("people:person_list"), {"q": q, **extra}).context["results"])


def test_a_person_leaves_the_active_file_with_a_date_and_a_reason(sw_client, person):
    left_on = TODAY - datetime.timedelta(days=3)
    response = sw_client.post(
        url("person_mark_left", person),
        {"left_on": left_on.isoformat(), "reason": "Relogé à Anderlecht", "version": 1},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.left_on, person.left_reason) == (
        "left",
        left_on,
        "Relogé à Anderlecht",
    )
    event = AuditEvent.objects.get(action="person.left")
    assert set(event.fields) == {"status", "left_on", "left_reason"}
    assert "Anderlecht" in sw_client.get(url("person_detail", person)).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"left_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "reason": "Départ"},
        {"left_on": "31/02/2024", "reason": "Départ"},
        {"left_on": TODAY.isoformat(), "reason": ""},
        {"left_on": TODAY.isoformat(), "reason": "x" * 10_000},
    ],
)
def test_a_future_or_impossible_date_or_a_missing_reason_is_refused(sw_client, person, data):
    response = sw_client.post(url("person_mark_left", person), {**data, "version": 1})
    assert response.status_code == 200
    assert response.context["form"].errors
    person.refresh_from_db()
    assert person.status == "active"


def test_the_service_refuses_a_future_date_too(social_worker, person):
    with pytest.raises(ValidationError):
        services.mark_left(
            by=social_worker,
            person=person,
            version=1,
            left_on=TODAY + datetime.timedelta(days=1),
            reason="Départ",
        )


def test_an_archived_file_leaves_the_default_search_but_stays_reachable(sw_client, person):
    assert search(sw_client, "Benali") == [person]
    assert sw_client.post(url("person_archive", person), {"version": 1}).status_code == 302
    person.refresh_from_db()
    assert person.status == "archived" and person.archived_at is not None
    assert search(sw_client, "Benali") == []
    assert search(sw_client, "Benali", archived="on") == [person]
    page = sw_client.get(url("person_detail", person))
    assert page.status_code == 200
    assert "Archived on" in page.content.decode()
    assert AuditEvent.objects.filter(action="person.archived").count() == 1


def test_a_file_comes_back_to_active(sw_client, social_worker, person):
    services.mark_left(by=social_worker, person=person, version=1, left_on=TODAY, reason="Parti")
    assert sw_client.post(url("person_reactivate", person), {"version": 2}).status_code == 302
    person.refresh_from_db()
    assert person.status == "active" and person.version == 3
    assert person.left_on == TODAY  # the earlier departure is not forgotten
    assert AuditEvent.objects.filter(action="person.reactivated").count() == 1


def test_each_verb_refuses_what_does_not_apply(social_worker, person):
    with pytest.raises(ValidationError):
        services.reactivate_person(by=social_worker, person=person, version=1)
    services.archive_person(by=social_worker, person=person, version=1)
    with pytest.raises(ValidationError):
        services.archive_person(by=social_worker, person=person, version=2)
    with pytest.raises(ValidationError):
        services.mark_left(by=social_worker, person=person, version=2, left_on=TODAY, reason="x")


def test_a_stale_version_changes_nothing(sw_client, social_worker, person):
    with pytest.raises(EditConflict):
        services.archive_person(by=social_worker, person=person, version=5)
    response = sw_client.post(url("person_archive", person), {"version": 5}, follow=True)
    assert "Someone changed this file" in response.content.decode()
    person.refresh_from_db()
    assert person.status == "active"


def test_two_workers_marking_the_same_file_see_a_conflict_with_both_versions(
    sw_client, person, make_user, organisation, team
):
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    other.cookies["django_language"] = "en"
    form = {"left_on": TODAY.isoformat(), "version": 1}
    assert (
        sw_client.post(
            url("person_mark_left", person), {**form, "reason": "Hospitalisé"}
        ).status_code
        == 302
    )
    clash = other.post(url("person_mark_left", person), {**form, "reason": "Parti en France"})
    assert clash.status_code == 409
    body = clash.content.decode()
    assert "Hospitalisé" in body and "Parti en France" in body
    person.refresh_from_db()
    assert person.left_reason == "Hospitalisé"


def test_the_three_actors_on_the_status_pages(
    login, person, colleague_elsewhere, stranger, make_user, organisation, team
):
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    assert login(manager).get(url("person_mark_left", person)).status_code == 403
    assert login(manager).post(url("person_archive", person), {"version": 1}).status_code == 403
    assert login(colleague_elsewhere).get(url("person_mark_left", person)).status_code == 404
    assert (
        login(colleague_elsewhere).post(url("person_archive", person), {"version": 1}).status_code
        == 404
    )
    assert login(stranger).post(url("person_archive", person), {"version": 1}).status_code == 404
    assert login(stranger).post(url("person_reactivate", person), {"version": 1}).status_code == 404
    person.refresh_from_db()
    assert person.status == "active" and person.version == 1
