import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from lien.accounts.models import Role
from lien.customfields import services
from lien.customfields.models import CustomField, CustomValue, fields_for
from lien.customfields.values import read_values
from lien.people import services as people_services

Kind = CustomField.Kind
PERSON = CustomField.Entity.PERSON


def test_a_team_field_is_seen_and_filled_by_that_teams_members_only(
    login, define, make_user, organisation, team, other_team, social_worker, person
):
    field = define(Kind.TEXT, "Local de la Maritime", team=team)
    everybody = define(Kind.TEXT, "Pour tous")
    elsewhere = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[other_team])
    assert fields_for(social_worker, PERSON) == [field, everybody]
    assert fields_for(elsewhere, PERSON) == [everybody]
    assert list(CustomField.objects.visible_to(elsewhere)) == [everybody]
    people_services.update_person(
        by=social_worker, person=person, version=1, data={}, custom={field: "Atelier"}
    )
    # The other team also follows the person: the file is theirs too, the field is not.
    from lien.casework.models import FollowUp

    FollowUp.objects.create(organisation=organisation, person=person, team=other_team)
    client = login(elsewhere)
    page = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Atelier" not in page and "Local de la Maritime" not in page
    form = client.get(reverse("people:person_edit", args=[person.public_id])).content.decode()
    assert field.form_name not in form
    # Saving the file from the other team leaves the field alone.
    client.post(
        reverse("people:person_edit", args=[person.public_id]),
        {"nickname": "Momo", "gender": "U", "version": "2", field.form_name: "Effacé"},
    )
    assert read_values([field], [person.pk]) == {person.pk: {field.pk: "Atelier"}}
    with pytest.raises(PermissionDenied):
        services.save_values(by=elsewhere, field_values={field: "Effacé"}, obj=person)


def test_a_sensitive_field_is_hidden_from_a_house_manager_and_encrypted_at_rest(
    login, define, house_manager, social_worker, person
):
    field = define(Kind.LONG_TEXT, "Suivi addictions", sensitive=True)
    number = define(Kind.NUMBER, "Dettes (euros)", sensitive=True)
    people_services.update_person(
        by=social_worker,
        person=person,
        version=1,
        data={},
        custom={field: "Méthadone depuis mars", number: 12500},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value_text, value_option, value_number, value_secret "
            "FROM customfields_customvalue"
        )
        rows = cursor.fetchall()
    assert len(rows) == 2
    for text, option, amount, secret in rows:
        assert (text, option, amount) == ("", "", None)
        assert "Méthadone" not in secret and "12500" not in secret
        assert secret.startswith("fernet:")
    assert fields_for(house_manager, CustomField.Entity.PERSON) == []
    page = login(house_manager).get(reverse("people:person_detail", args=[person.public_id]))
    assert page.status_code == 200
    assert "Méthadone" not in page.content.decode()
    assert "Suivi addictions" not in page.content.decode()
    shown = login(social_worker).get(reverse("people:person_detail", args=[person.public_id]))
    assert "Méthadone depuis mars" in shown.content.decode()
    assert "12500" in shown.content.decode()
    with pytest.raises(PermissionDenied):
        services.save_values(by=house_manager, field_values={field: "x"}, obj=person)


def test_a_sensitive_field_is_never_offered_as_a_filter(login, define, social_worker):
    hidden = define(Kind.CHOICE, "Statut de séjour détaillé", choices="A\nB", sensitive=True)
    shown = define(Kind.CHOICE, "Quartier", choices="A\nB")
    page = login(social_worker).get(reverse("people:person_list")).content.decode()
    assert shown.form_name in page
    assert hidden.form_name not in page


def test_values_of_another_organisations_record_are_refused(define, social_worker, stranger):
    field = define(Kind.TEXT, "Surnom")
    other_person = people_services.create_person(
        by=stranger,
        team=stranger.team_memberships.get().team,
        data={"nickname": "Ailleurs", "niss": ""},
    )
    with pytest.raises(PermissionDenied):
        services.save_values(by=social_worker, field_values={field: "x"}, obj=other_person)
    # Nor can someone of the other organisation fill this organisation's field.
    with pytest.raises(PermissionDenied):
        services.save_values(by=stranger, field_values={field: "x"}, obj=other_person)
    assert not CustomValue.objects.exists()


def test_another_organisation_never_sees_the_fields_or_values(
    login, define, social_worker, stranger, person
):
    field = define(Kind.TEXT, "Surnom de rue")
    people_services.update_person(
        by=social_worker, person=person, version=1, data={}, custom={field: "Le Grand"}
    )
    assert fields_for(stranger, PERSON) == []
    assert not CustomField.objects.visible_to(stranger).exists()
    client = login(stranger)
    assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 404
    for url in (reverse("people:person_create"), reverse("people:person_list")):
        page = client.get(url).content.decode()
        assert field.form_name not in page and "Surnom de rue" not in page
