import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lien.audit.models import AuditEvent
from lien.customfields.models import CustomField, CustomValue
from lien.customfields.values import read_values
from lien.people.models import Person

Kind = CustomField.Kind


@pytest.fixture
def fields(define):
    return {
        "text": define(Kind.TEXT, "Surnom de rue", position=1),
        "long": define(Kind.LONG_TEXT, "Parcours", position=2),
        "number": define(Kind.NUMBER, "Nombre d'enfants", position=3),
        "date": define(Kind.DATE, "Première rencontre", position=4),
        "yes_no": define(Kind.YES_NO, "Dort dehors", position=5),
        "choice": define(Kind.CHOICE, "Quartier", choices="Maritime\nHeyvaert", position=6),
        "multiple": define(
            Kind.MULTIPLE_CHOICE, "Besoins", choices="Douche\nRepas\nVestiaire", position=7
        ),
    }


FILLED = {
    "text": "Le Grand",
    "long": "Arrivé en 2019.\nDort à la gare.",
    "number": "2,5",  # French decimal comma
    "date": "2025-11-03",
    "yes_no": "yes",
    "choice": "Heyvaert",
    "multiple": ["Vestiaire", "Douche"],
}


def _post(fields, values):
    return {fields[key].form_name: value for key, value in values.items()}


def new_person(client, team, **extra):
    data = {"team": str(team.public_id), "gender": "U", "nickname": "Momo", **extra}
    return client.post(reverse("people:person_create"), data)


def test_each_kind_is_filled_in_the_new_person_form_and_shown_on_the_file(
    login, social_worker, team, fields
):
    client = login(social_worker, "fr")
    response = new_person(client, team, **_post(fields, FILLED))
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    values = read_values(fields.values(), [person.pk])[person.pk]
    assert values == {
        fields["text"].pk: "Le Grand",
        fields["long"].pk: "Arrivé en 2019.\nDort à la gare.",
        fields["number"].pk: Decimal("2.5"),
        fields["date"].pk: datetime.date(2025, 11, 3),
        fields["yes_no"].pk: True,
        fields["choice"].pk: "Heyvaert",
        fields["multiple"].pk: ["Douche", "Vestiaire"],  # in the order of the options
    }
    event = AuditEvent.objects.get(action="person.created")
    assert {f"custom:{f.public_id}" for f in fields.values()} <= set(event.fields)
    assert not any("Heyvaert" in name or "Grand" in name for name in event.fields)
    page = client.get(response.url).content.decode()
    assert 'id="more"' in page
    for shown in ("Le Grand", "2,5", "03/11/2025", "Oui", "Heyvaert", "Douche, Vestiaire"):
        assert shown in page, shown


def test_the_edit_form_shows_the_values_and_saves_changes_with_the_person(
    login, social_worker, person, fields
):
    from lien.people import services

    services.update_person(
        by=social_worker,
        person=person,
        version=1,
        data={},
        custom={fields["number"]: Decimal("3"), fields["yes_no"]: False},
    )
    client = login(social_worker)
    url = reverse("people:person_edit", args=[person.public_id])
    form = client.get(url).content.decode()
    assert f'name="{fields["number"].form_name}" value="3"' in form
    assert f'value="no" id="id_{fields["yes_no"].form_name}_1" checked' in form
    data = {
        "nickname": "Momo",
        "gender": "U",
        "version": "2",
        fields["number"].form_name: "",  # cleared
        fields["yes_no"].form_name: "no",  # unchanged
        fields["choice"].form_name: "Maritime",  # added
    }
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 3
    values = read_values(fields.values(), [person.pk])[person.pk]
    assert values == {fields["yes_no"].pk: False, fields["choice"].pk: "Maritime"}
    event = AuditEvent.objects.filter(action="person.changed").latest("pk")
    assert event.fields == sorted(
        [f"custom:{fields['number'].public_id}", f"custom:{fields['choice'].public_id}"]
    )


def test_an_unchanged_form_names_no_custom_field_in_the_audit(login, social_worker, person, fields):
    client = login(social_worker)
    url = reverse("people:person_edit", args=[person.public_id])
    client.post(url, {"nickname": "Momo", "gender": "U", "version": "1"})
    event = AuditEvent.objects.filter(action="person.changed").latest("pk")
    assert not [name for name in event.fields if name.startswith("custom:")]
    assert not CustomValue.objects.exists()


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        ("number", "beaucoup", "Saisissez un nombre."),
        ("number", "NaN", "Saisissez un nombre."),
        ("number", "1e400", "Assurez-vous qu’il n’y a pas plus de 15 chiffres"),
        ("number", "12345678901234567", "Assurez-vous qu’il n’y a pas plus de 15 chiffres"),
        ("number", "1,23456", "Assurez-vous qu’il n’y a pas plus de 4 chiffres après la virgule"),
        ("date", "2025-02-30", "Saisissez une date valide."),
        ("date", "1492-10-12", "Indiquez une date entre 1900 et 2100."),
        ("choice", "Gare du Nord", "Sélectionnez un choix valide."),
        ("multiple", ["Douche", "Piscine"], "Sélectionnez un choix valide."),
        ("yes_no", "peut-être", "Sélectionnez un choix valide."),
        ("text", "x" * 100_000, "Assurez-vous que cette valeur comporte au plus 300 caractères"),
        ("long", "x" * 100_000, "Assurez-vous que cette valeur comporte au plus 5000 caractères"),
    ],
)
def test_invalid_values_are_explained_in_the_users_language_and_write_nothing(
    login, social_worker, team, fields, key, typed, message
):
    client = login(social_worker, "fr")
    response = new_person(client, team, **_post(fields, {**FILLED, key: typed}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [fields[key].form_name]
    assert message in " ".join(errors[fields[key].form_name])
    assert message.split("(")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Person.objects.exists()
    assert not CustomValue.objects.exists()
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_a_required_field_must_be_filled(login, social_worker, team, define):
    field = define(Kind.DATE, "Date d'entrée", required=True)
    response = new_person(login(social_worker), team)
    assert response.status_code == 200
    assert field.form_name in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_failure_while_saving_the_values_writes_nothing(
    login, social_worker, team, fields, monkeypatch
):
    from lien.customfields import services as custom_services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(custom_services.CustomValue.objects, "bulk_create", broken)
    client = login(social_worker, "fr")
    client.raise_request_exception = False
    response = new_person(client, team, **_post(fields, FILLED))
    assert response.status_code == 500
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_two_people_editing_the_same_person_get_the_conflict_page(
    login, social_worker, person, fields
):
    client = login(social_worker)
    url = reverse("people:person_edit", args=[person.public_id])
    base = {"nickname": "Momo", "gender": "U", "version": "1"}
    first = client.post(url, {**base, fields["choice"].form_name: "Maritime"})
    assert first.status_code == 302
    second = client.post(url, {**base, fields["choice"].form_name: "Heyvaert"})
    assert second.status_code == 409
    assert "Someone else saved this record" in second.content.decode()
    assert 'value="Heyvaert" selected' in second.content.decode()  # what they typed is kept
    values = read_values([fields["choice"]], [person.pk])[person.pk]
    assert values == {fields["choice"].pk: "Maritime"}


def test_a_field_volunteer_sees_no_custom_field(make_user, organisation, team, define):
    from lien.accounts.models import Role
    from lien.customfields.models import fields_for

    define(Kind.TEXT, "Surnom de rue")
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    assert fields_for(volunteer, CustomField.Entity.PERSON) == []
