"""A record's history of changes: who changed what, when, and the values replaced — each one
only to those who may read that field today."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit import history
from lien.audit.models import AuditEvent
from lien.audit.services import ACTIONS
from lien.casework import services as casework_services
from lien.casework import services_referrals
from lien.customfields import services as custom_services
from lien.customfields.models import CustomField
from lien.people import services as people_services
from lien.people.models import Person


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def house_manager(make_user, organisation, team):
    return make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])


@pytest.fixture
def volunteer(make_user, organisation, team):
    return make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])


@pytest.fixture
def psy_field(admin):
    return custom_services.define_field(
        by=admin,
        entity=CustomField.Entity.PERSON,
        kind=CustomField.Kind.TEXT,
        data={"label": "Suivi psy", "sensitive": True},
    )


@pytest.fixture
def person(social_worker, team, psy_field):
    person = people_services.create_person(
        by=social_worker,
        team=team,
        data={"nickname": "Momo", "phone": "0470 11 22 33", "residence_status": "asylum"},
        custom={psy_field: "Dr Martin, tous les mardis"},
    )
    return edit(
        social_worker,
        person,
        {"phone": "0499 00 00 00", "residence_status": "registered"},
        custom={psy_field: "Plus de suivi"},
    )


def edit(by, person, data, custom=None):
    fresh = Person.objects.get(pk=person.pk)
    return people_services.update_person(
        by=by, person=fresh, version=fresh.version, data=data, custom=custom
    )


def url(person) -> str:
    return reverse("audit:record_history", args=["people.person", person.public_id])


def test_a_social_worker_reads_every_value_a_change_replaced(client, social_worker, person):
    client.force_login(social_worker)
    response = client.get(url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Person changed" in body and social_worker.full_name in body
    assert "0470 11 22 33" in body
    assert "Asylum procedure" in body  # the previous residence status, by its label
    assert "Suivi psy" in body and "Dr Martin, tous les mardis" in body
    assert "you may not read" not in body


def test_reading_a_files_history_is_audited_as_a_read(client, social_worker, person):
    client.force_login(social_worker)
    client.get(url(person))
    event = AuditEvent.objects.get(action="history.viewed")
    assert event.actor == social_worker
    assert (event.object_type, event.object_id) == ("people.person", str(person.public_id))
    assert event.previous is None


def test_a_house_manager_reads_the_old_phone_but_no_sensitive_value(client, house_manager, person):
    client.force_login(house_manager)
    response = client.get(url(person))
    assert response.status_code == 200
    body = response.content.decode()
    assert "0470 11 22 33" in body
    assert "Asylum" not in body and "residence" not in body.lower()
    assert "Dr Martin" not in body and "Suivi psy" not in body
    assert "2 fields you may not read." in body


def test_a_volunteer_reads_no_identity_value_of_the_past(volunteer, social_worker, person):
    """A field volunteer sees a minimal identity: of the past, only the nickname."""
    edit(social_worker, person, {"nickname": "Mo", "phone": "0488 00 00 00"})
    events = AuditEvent.objects.filter(action="person.changed").order_by("-pk")
    latest = history.changes(volunteer, history.rules_for("people.person"), events, ACTIONS)[0]
    assert [(f.label, f.before) for f in latest.shown] == [("nickname", "Momo")]
    assert latest.hidden == 1


def test_a_volunteer_and_an_admin_cannot_open_a_file_they_do_not_see(
    client, volunteer, admin, person
):
    for user in (volunteer, admin):
        client.force_login(user)
        assert client.get(url(person)).status_code == 404
    assert not AuditEvent.objects.filter(action="history.viewed").exists()


def test_another_organisation_gets_404(client, make_user, other_organisation, person):
    stranger = make_user(*Role.values, organisation=other_organisation)
    client.force_login(stranger)
    assert client.get(url(person)).status_code == 404
    unknown = reverse("audit:record_history", args=["people.nothing", person.public_id])
    assert client.get(unknown).status_code == 404


def test_a_procedures_history_shows_its_due_date_before(client, social_worker, house_manager, team):
    person = people_services.create_person(by=social_worker, team=team, data={"nickname": "Lina"})
    procedure = casework_services.create_procedure(
        by=social_worker,
        person=person,
        data={"domain": "housing", "title": "SISP", "due_on": datetime.date(2026, 5, 4)},
    )
    casework_services.update_procedure(
        by=social_worker,
        procedure=procedure,
        version=procedure.version,
        data={"due_on": datetime.date(2026, 6, 1)},
    )
    address = reverse("audit:record_history", args=["casework.procedure", procedure.public_id])
    client.force_login(social_worker)
    body = client.get(address).content.decode()
    assert "Procedure changed" in body and "2026-05-04" in body
    client.force_login(house_manager)  # house managers do not see procedures at all
    assert client.get(address).status_code == 404


def test_a_circle_change_shows_its_values_only_with_the_sensitive_right(
    client, social_worker, house_manager, person
):
    member = services_referrals.add_to_circle(
        by=social_worker, person=person, data={"role": "cpas_worker", "name": "Mme Peeters"}
    )
    services_referrals.update_circle_member(
        by=social_worker, member=member, version=member.version, data={"name": "Mme Janssens"}
    )
    client.force_login(social_worker)
    assert "Mme Peeters" in client.get(url(person)).content.decode()
    client.force_login(house_manager)
    body = client.get(url(person)).content.decode()
    assert "Circle changed" in body and "Mme Peeters" not in body


def test_the_history_costs_the_same_queries_for_few_or_many_changes(
    client, social_worker, person, psy_field, django_assert_max_num_queries
):
    client.force_login(social_worker)
    client.get(url(person))  # the first request of a session does more

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(person)).status_code == 200
        return len(ctx)

    for i in range(3):
        edit(social_worker, person, {"phone": f"0470 00 00 0{i}"}, custom={psy_field: f"v{i}"})
    small = count()
    for i in range(30):
        edit(social_worker, person, {"phone": f"0471 00 00 {i:02}"}, custom={psy_field: f"w{i}"})
    assert count() == small
    with django_assert_max_num_queries(12):
        client.get(url(person))
