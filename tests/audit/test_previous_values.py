"""A change keeps the values it replaced, encrypted, in its audit event; audit rows stay
append-only (only a key rotation may re-encrypt those values)."""

import datetime
import io
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lien.audit.changes import apply_changes, as_text
from lien.audit.models import AuditEvent
from lien.audit.services import record
from lien.casework import services as casework_services
from lien.customfields import services as custom_services
from lien.customfields.models import CustomField
from lien.partners import services as partner_services
from lien.people import services as people_services
from lien.people.models import Person

VALID_NISS = "85073003328"


@pytest.fixture
def person(social_worker, team):
    return people_services.create_person(
        by=social_worker,
        team=team,
        data={"nickname": "Momo", "phone": "0470 11 22 33", "niss": VALID_NISS},
    )


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("occurred_at", "pk")


def raw_previous(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT previous FROM audit_auditevent WHERE id = %s", [event.pk])
        return cursor.fetchone()[0]


def test_the_helper_sets_the_changed_fields_and_returns_what_they_held(person):
    changed, previous = apply_changes(
        person, {"phone": "0499 00 00 00", "nickname": "Momo"}, ("nickname", "phone", "email")
    )
    assert changed == ["phone"]
    assert previous == {"phone": "0470 11 22 33"}
    assert person.phone == "0499 00 00 00"


def test_values_are_kept_as_text(person, team):
    assert as_text(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert as_text(Decimal("12.50")) == "12.50"
    assert as_text(7) == "7"
    assert as_text(True) == "true"
    assert as_text(None) is None
    assert as_text(team) == str(team)
    assert as_text(["b", "a"]) == "b, a"


def test_a_file_is_never_kept(social_worker):
    from django.db import models
    from django.db.models.fields.files import FieldFile

    file = FieldFile(None, models.FileField(), "x.pdf")
    for value in (file, b"%PDF"):
        with pytest.raises(TypeError):
            record(action="user.changed", actor=social_worker, previous={"file": value})
    assert not AuditEvent.objects.filter(action="user.changed").exists()


def test_a_person_change_keeps_the_phone_and_the_niss_it_replaced(social_worker, person):
    people_services.update_person(
        by=social_worker,
        person=Person.objects.get(pk=person.pk),
        version=person.version,
        data={"phone": "0499 00 00 00", "niss": ""},
    )
    event = last_event("person.changed")
    assert set(event.fields) == {"phone", "niss"}
    assert event.previous_values == {"phone": "0470 11 22 33", "niss": VALID_NISS}


def test_previous_values_cannot_be_read_in_the_database(social_worker, person):
    people_services.update_person(
        by=social_worker,
        person=Person.objects.get(pk=person.pk),
        version=person.version,
        data={"phone": "0499 00 00 00", "niss": ""},
    )
    stored = raw_previous(last_event("person.changed"))
    assert stored and "0470" not in stored and VALID_NISS not in stored and "phone" not in stored


def test_a_procedure_change_keeps_its_due_date_and_status(social_worker, person):
    procedure = casework_services.create_procedure(
        by=social_worker,
        person=person,
        data={
            "domain": "housing",
            "title": "Inscription SISP",
            "due_on": datetime.date(2026, 5, 4),
        },
    )
    casework_services.update_procedure(
        by=social_worker,
        procedure=procedure,
        version=procedure.version,
        data={
            "due_on": datetime.date(2026, 6, 1),
            "status": "in_progress",
            "title": "Inscription SISP",
        },
    )
    event = last_event("procedure.changed")
    assert sorted(event.fields) == ["due_on", "status"]
    assert event.previous_values == {"due_on": "2026-05-04", "status": "todo"}


def test_a_partner_change_keeps_its_address(social_worker):
    partner = partner_services.create_partner(
        by=social_worker, data={"name": "CPAS", "address": "Rue Comte de Flandre 1"}
    )
    partner_services.update_partner(
        by=social_worker,
        partner=partner,
        version=partner.version,
        data={"address": "Rue de l'Intendant 63"},
    )
    assert last_event("partner.changed").previous_values == {"address": "Rue Comte de Flandre 1"}


def test_a_custom_value_change_keeps_the_value_before(admin, social_worker, person):
    field = custom_services.define_field(
        by=admin,
        entity=CustomField.Entity.PERSON,
        kind=CustomField.Kind.TEXT,
        data={"label": "Suivi psy", "sensitive": True},
    )
    people_services.update_person(
        by=social_worker,
        person=Person.objects.get(pk=person.pk),
        version=person.version,
        data={},
        custom={field: "Dr Martin"},
    )
    fresh = Person.objects.get(pk=person.pk)
    people_services.update_person(
        by=social_worker, person=fresh, version=fresh.version, data={}, custom={field: "Dr Peeters"}
    )
    key = f"custom:{field.public_id}"
    first, second = AuditEvent.objects.filter(action="person.changed").order_by("pk")
    assert first.previous_values == {key: None}
    assert second.previous_values == {key: "Dr Martin"}
    assert "Martin" not in raw_previous(second)


def test_an_event_without_changes_keeps_nothing(social_worker):
    event = record(action="user.changed", actor=social_worker, obj=social_worker, previous={})
    assert event.previous is None and event.previous_values == {}


def test_a_token_copied_onto_another_event_is_not_believed(social_worker, person):
    people_services.update_person(
        by=social_worker,
        person=Person.objects.get(pk=person.pk),
        version=person.version,
        data={"phone": "0499 00 00 00"},
    )
    real = last_event("person.changed")
    forged = AuditEvent(public_id=AuditEvent().public_id, previous=real.previous)
    assert forged.previous_values == {}


@pytest.fixture
def event_with_previous(social_worker):
    return record(
        action="user.changed",
        actor=social_worker,
        obj=social_worker,
        fields=["full_name"],
        previous={"full_name": "Sam Before"},
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'auth.logout'",
        "UPDATE audit_auditevent SET previous = NULL",
        "UPDATE audit_auditevent SET fields = '[]', previous = previous",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_still_refuses_changes_and_removals(event_with_previous, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    event = AuditEvent.objects.get(pk=event_with_previous.pk)
    assert event.action == "user.changed" and event.fields == ["full_name"]
    assert event.previous_values == {"full_name": "Sam Before"}


def test_a_token_moved_from_another_event_by_sql_is_not_believed(
    event_with_previous, social_worker
):
    """The trigger lets a new token through (that is how keys rotate); a token taken from
    another event names that event, so it is not believed here."""
    other = record(
        action="team.changed", actor=social_worker, obj=social_worker, previous={"name": "X"}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET previous = %s WHERE id = %s",
            [raw_previous(other), event_with_previous.pk],
        )
    assert AuditEvent.objects.get(pk=event_with_previous.pk).previous_values == {}


def test_an_event_without_previous_values_cannot_be_given_some(social_worker):
    event = record(action="user.changed", actor=social_worker, obj=social_worker)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET previous = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).previous is None


def test_key_rotation_re_encrypts_previous_values(event_with_previous, settings, monkeypatch):
    from lien.core.fields import encrypted_fields
    from lien.core.management.commands import rotate_keys

    assert (AuditEvent, "previous") in encrypted_fields()
    # Only this table: other test modules register models without tables.
    monkeypatch.setattr(rotate_keys, "encrypted_fields", lambda: [(AuditEvent, "previous")])
    before = raw_previous(event_with_previous)
    old_key = settings.LIEN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.LIEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys", stdout=io.StringIO())
    settings.LIEN_ENCRYPTION_KEYS = [new_key]  # the old key is gone: the history still reads
    event = AuditEvent.objects.get(pk=event_with_previous.pk)
    assert raw_previous(event) != before
    assert event.previous_values == {"full_name": "Sam Before"}
    assert event.action == "user.changed" and event.fields == ["full_name"]
