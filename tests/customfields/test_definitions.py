import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lien.audit.models import AuditEvent
from lien.customfields import services
from lien.customfields.models import CustomField

Kind = CustomField.Kind


@pytest.mark.parametrize("kind", Kind.values)
def test_an_admin_defines_a_field_of_each_kind(define, admin, kind):
    choices = "Parc\nGare" if kind in CustomField.CHOICE_KINDS else ""
    field = define(kind, "Quartier", choices=choices, help_text="Où ?")
    field.refresh_from_db()
    assert (field.kind, field.label, field.help_text) == (kind, "Quartier", "Où ?")
    assert field.organisation_id == admin.organisation_id
    assert field.options == (["Parc", "Gare"] if choices else [])
    event = AuditEvent.objects.get(action="custom_field.created")
    assert event.object_id == str(field.public_id)
    assert "Quartier" not in str(event.fields)


def test_options_are_trimmed_and_blank_lines_ignored(define):
    field = define(Kind.CHOICE, choices="  Parc  \n\n Gare   du  Midi \n")
    assert field.choices == "Parc\nGare du Midi"


def test_options_are_dropped_from_a_field_that_is_not_a_choice(define):
    assert define(Kind.TEXT, choices="Parc\nGare").choices == ""


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        ("", "empty"),
        ("\n  \n", "empty"),
        ("Parc\nGare\nparc", "duplicate"),
        ("\n".join(f"Option {i}" for i in range(1000)), "too_many"),
        ("x" * 201, "too_long"),
    ],
)
def test_bad_options_are_refused(define, choices, code):
    with pytest.raises(ValidationError) as refused:
        define(Kind.MULTIPLE_CHOICE, choices=choices)
    assert refused.value.code == code
    assert not CustomField.objects.exists()


def test_a_hundred_options_are_fine(define):
    field = define(Kind.CHOICE, choices="\n".join(f"Option {i}" for i in range(100)))
    assert len(field.options) == 100


@pytest.mark.parametrize("label", ["", "   ", "x" * 201])
def test_a_label_is_required_and_bounded(define, label):
    with pytest.raises(ValidationError):
        define(Kind.TEXT, label)
    assert not CustomField.objects.exists()


def test_only_those_who_manage_fields_define_them(define, social_worker):
    with pytest.raises(PermissionDenied):
        define(Kind.TEXT, by=social_worker)


def test_a_team_of_another_organisation_is_refused(define, other_organisation):
    from tests.factories import TeamFactory

    with pytest.raises(PermissionDenied):
        define(Kind.TEXT, team=TeamFactory(organisation=other_organisation))


# The admin pages.


def test_the_admin_menu_links_to_the_custom_fields(login, admin):
    page = login(admin).get(reverse("web:today"))
    assert reverse("customfields:field_list") in page.content.decode()


def test_an_admin_creates_a_choice_field_from_the_page(login, admin, team):
    client = login(admin)
    response = client.post(
        reverse("customfields:field_create"),
        {
            "label": "Quartier de rencontre",
            "kind": Kind.CHOICE,
            "choices": "Maritime\nHeyvaert",
            "team": str(team.public_id),
            "position": "1",
        },
    )
    assert response.status_code == 302
    field = CustomField.objects.get()
    assert (field.label, field.team, field.options) == (
        "Quartier de rencontre",
        team,
        ["Maritime", "Heyvaert"],
    )
    listing = client.get(reverse("customfields:field_list")).content.decode()
    assert "Quartier de rencontre" in listing
    assert team.name in listing


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": Kind.CHOICE, "choices": ""}, "Give the options of the choice"),
        ({"kind": Kind.CHOICE, "choices": "Parc\nParc"}, "appears twice"),
        (
            {"kind": Kind.CHOICE, "choices": "\n".join(str(i) for i in range(1000))},
            "At most 100 options (there are 1000).",
        ),
        ({"kind": Kind.TEXT, "label": "x" * 201}, "at most 200 characters"),
        ({"kind": "password"}, "Select a valid choice"),
    ],
)
def test_bad_input_on_the_page_is_explained_and_saves_nothing(login, admin, data, error):
    response = login(admin).post(
        reverse("customfields:field_create"), {"label": "Quartier", "position": "0", **data}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CustomField.objects.exists()


def test_markup_in_a_label_or_help_text_is_shown_as_text(login, admin, define, social_worker):
    define(Kind.TEXT, "<b>Gras</b>", help_text="<script>alert(1)</script>")
    listing = login(admin).get(reverse("customfields:field_list")).content.decode()
    assert "&lt;b&gt;Gras&lt;/b&gt;" in listing
    assert "<b>Gras</b>" not in listing
    form = login(social_worker).get(reverse("people:person_create")).content.decode()
    assert "&lt;b&gt;Gras&lt;/b&gt;" in form
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form
    assert "<script>alert(1)" not in form


def test_an_admin_edits_a_field_and_options_taken_out_stay_readable(
    login, admin, define, social_worker, person
):
    from lien.people import services as people_services

    field = define(Kind.CHOICE, "Quartier", choices="Maritime\nHeyvaert")
    people_services.update_person(
        by=social_worker, person=person, version=person.version, data={}, custom={field: "Heyvaert"}
    )
    response = login(admin).post(
        reverse("customfields:field_edit", args=[field.public_id]),
        {"label": "Quartier", "choices": "Maritime\nGare", "position": "0", "version": "1"},
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.options == ["Maritime", "Gare"]
    assert field.version == 2
    event = AuditEvent.objects.get(action="custom_field.changed")
    assert event.fields == ["choices"]
    page = login(social_worker).get(reverse("people:person_detail", args=[person.public_id]))
    assert "Heyvaert" in page.content.decode()
    form = login(social_worker).get(reverse("people:person_edit", args=[person.public_id]))
    assert "Heyvaert (no longer offered)" in form.content.decode()


def test_the_kind_cannot_change_once_the_field_exists(login, admin, define):
    field = define(Kind.NUMBER, "Enfants")
    login(admin).post(
        reverse("customfields:field_edit", args=[field.public_id]),
        {"label": "Enfants", "kind": Kind.TEXT, "position": "0", "version": "1"},
    )
    field.refresh_from_db()
    assert field.kind == Kind.NUMBER


def test_two_admins_editing_the_same_field_get_the_conflict_page(login, admin, define):
    field = define(Kind.TEXT, "Quartier")
    client = login(admin)
    url = reverse("customfields:field_edit", args=[field.public_id])
    first = client.post(url, {"label": "Quartier A", "position": "0", "version": "1"})
    assert first.status_code == 302
    second = client.post(url, {"label": "Quartier B", "position": "0", "version": "1"})
    assert second.status_code == 409
    assert "Someone else saved this record" in second.content.decode()
    assert "Quartier A" in second.content.decode()  # the saved version, beside the form
    field.refresh_from_db()
    assert field.label == "Quartier A"


def test_archiving_a_field_hides_it_and_keeps_its_values(
    login, admin, define, social_worker, person
):
    from lien.customfields.models import CustomValue
    from lien.people import services as people_services

    field = define(Kind.TEXT, "Surnom de rue")
    people_services.update_person(
        by=social_worker, person=person, version=person.version, data={}, custom={field: "Toto"}
    )
    response = login(admin).post(reverse("customfields:field_archive", args=[field.public_id]))
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.archived_at is not None
    assert AuditEvent.objects.filter(action="custom_field.archived").count() == 1
    assert CustomValue.objects.filter(field=field).count() == 1
    page = login(social_worker).get(reverse("people:person_detail", args=[person.public_id]))
    assert page.status_code == 200
    assert 'id="more"' not in page.content.decode()
    assert "Toto" not in page.content.decode()
    form = login(social_worker).get(reverse("people:person_edit", args=[person.public_id]))
    assert field.form_name not in form.content.decode()
    # An archived field is no longer edited.
    edit = login(admin).get(reverse("customfields:field_edit", args=[field.public_id]))
    assert edit.status_code == 404


def test_another_organisation_never_sees_the_definitions(login, define, stranger, stranger_admin):
    field = define(Kind.TEXT, "Secret de l'organisation")
    for user in (stranger, stranger_admin):
        client = login(user)
        assert (
            client.get(reverse("customfields:field_edit", args=[field.public_id])).status_code
            == 404
        )
        archive = client.post(reverse("customfields:field_archive", args=[field.public_id]))
        assert archive.status_code == 404
        listing = client.get(reverse("customfields:field_list")).content.decode()
        assert "Secret de l'organisation" not in listing
    field.refresh_from_db()
    assert field.archived_at is None


def test_making_a_field_sensitive_encrypts_the_values_already_recorded(
    define, admin, admin_social_worker, social_worker, person
):
    from django.db import connection

    from lien.customfields.models import CustomValue
    from lien.customfields.values import read_values
    from lien.people import services as people_services

    field = define(Kind.MULTIPLE_CHOICE, "Suivis", choices="CPAS\nMutuelle\nAvocat")
    people_services.update_person(
        by=social_worker,
        person=person,
        version=person.version,
        data={},
        custom={field: ["Avocat", "CPAS"]},
    )
    assert CustomValue.objects.filter(field=field).count() == 2
    services.update_field(
        by=admin,
        field=field,
        version=field.version,
        data={"label": "Suivis", "choices": field.choices, "sensitive": True},
    )
    assert CustomValue.objects.filter(field=field).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT value_option, value_secret FROM customfields_customvalue")
        ((option, secret),) = cursor.fetchall()
    assert option == "" and "CPAS" not in secret and "Avocat" not in secret
    field.refresh_from_db()
    assert read_values([field], [person.pk]) == {person.pk: {field.pk: ["CPAS", "Avocat"]}}
    # And back, by someone who may read sensitive values (see the test below).
    services.update_field(
        by=admin_social_worker,
        field=field,
        version=field.version,
        data={"label": "Suivis", "choices": field.choices, "sensitive": False},
    )
    field.refresh_from_db()
    assert sorted(CustomValue.objects.values_list("value_option", flat=True)) == ["Avocat", "CPAS"]
    assert read_values([field], [person.pk]) == {person.pk: {field.pk: ["CPAS", "Avocat"]}}


@pytest.fixture
def admin_social_worker(make_user, organisation, team):
    """An admin who is also a social worker (a small association): may see sensitive values."""
    from lien.accounts.models import Role

    return make_user(Role.ADMIN, Role.SOCIAL_WORKER, organisation=organisation, teams=[team])


def test_an_admin_cannot_reveal_a_sensitive_field(
    login, admin, admin_social_worker, define, social_worker, person
):
    from lien.customfields.models import CustomValue
    from lien.people import services as people_services

    field = define(Kind.TEXT, "Traitement", sensitive=True)
    people_services.update_person(
        by=social_worker, person=person, version=person.version, data={}, custom={field: "HIV"}
    )
    url = reverse("customfields:field_edit", args=[field.public_id])
    response = login(admin).post(url, {"label": "Traitement", "position": "0", "version": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["sensitive"] == [
        "Only someone allowed to read sensitive values may make this field no longer "
        "sensitive: nothing was changed."
    ]
    assert "may make this field no longer sensitive" in response.content.decode()
    field.refresh_from_db()
    assert field.sensitive and field.version == 1
    assert CustomValue.objects.get(field=field).value_text == ""  # still encrypted
    assert not AuditEvent.objects.filter(action="custom_field.changed").exists()
    with pytest.raises(ValidationError):
        services.update_field(
            by=admin, field=field, version=1, data={"label": "Traitement", "sensitive": False}
        )
    # Other changes to the field, keeping it sensitive, are fine.
    response = login(admin).post(
        url, {"label": "Traitement suivi", "sensitive": "on", "position": "0", "version": "1"}
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.sensitive and field.label == "Traitement suivi"
    # An admin who is also a social worker may.
    response = login(admin_social_worker).post(
        url, {"label": "Traitement suivi", "position": "0", "version": "2"}
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert not field.sensitive


def test_a_field_keeps_its_team_once_the_team_is_archived(login, admin, define, team):
    from django.utils import timezone

    field = define(Kind.TEXT, "Local", team=team)
    team.archived_at = timezone.now()
    team.save()
    response = login(admin).post(
        reverse("customfields:field_edit", args=[field.public_id]),
        {"label": "Local (ancien)", "team": str(team.public_id), "position": "0", "version": "1"},
    )
    assert response.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.team) == ("Local (ancien)", team)
    with pytest.raises(ValidationError):
        define(Kind.TEXT, "Nouveau", team=team)


def test_a_field_of_another_organisation_is_never_changed(define, stranger_admin):
    field = define(Kind.TEXT, "Quartier")
    with pytest.raises(PermissionDenied):
        services.update_field(
            by=stranger_admin, field=field, version=1, data={"label": "Pris", "position": 0}
        )
    with pytest.raises(PermissionDenied):
        services.archive_field(by=stranger_admin, field=field)
    field.refresh_from_db()
    assert (field.label, field.archived_at, field.version) == ("Quartier", None, 1)
