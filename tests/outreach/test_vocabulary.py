"""Managing neighbourhoods, places and themes: who, validation, versions, archive, audit."""

import uuid

import pytest
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach.models import Place, Territory, Theme


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


def _place_data(territory, **extra):
    data = {
        "name": "Parc de la Fonderie",
        "kind": "park",
        "territory": str(territory.public_id),
        "latitude": "50.8512",
        "longitude": "4.3333",
        "description": "Entrée rue Ransfort",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_manage_the_vocabularies(client, make_user, organisation, role):
    client.force_login(make_user(role, organisation=organisation))
    for name in ("territory_list", "place_list", "theme_list", "territory_create"):
        assert client.get(reverse(f"outreach:{name}")).status_code == 200, name


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.FIELD_VOLUNTEER, Role.ANALYST])
def test_other_roles_do_not(client, make_user, organisation, team, role):
    client.force_login(make_user(role, organisation=organisation, teams=[team]))
    assert client.get(reverse("outreach:territory_list")).status_code == 403
    response = client.post(reverse("outreach:territory_create"), {"name_fr": "Heyvaert"})
    assert response.status_code == 403
    assert not Territory.objects.exists()


def test_a_neighbourhood_is_created_and_audited(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("outreach:territory_create"),
        {"name_fr": " Heyvaert ", "name_nl": "Heyvaertwijk", "code": "21012-H"},
    )
    assert response.status_code == 302
    territory = Territory.objects.get()
    assert (territory.name_fr, territory.organisation_id) == ("Heyvaert", admin.organisation_id)
    event = AuditEvent.objects.get(action="territory.created")
    assert event.object_id == str(territory.public_id)
    assert event.fields == ["code", "name_fr", "name_nl"]


def test_the_same_name_twice_is_a_form_error(client, admin, territory):
    client.force_login(admin)
    response = client.post(reverse("outreach:territory_create"), {"name_fr": "gare de l'ouest"})
    assert response.status_code == 200
    assert "name_fr" in response.context["form"].errors
    assert Territory.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "-181"}, "longitude"),
        ({"longitude": ""}, "longitude"),
        ({"latitude": "", "longitude": "4.33"}, "latitude"),
        ({"latitude": "50.123456789"}, "latitude"),
        ({"latitude": "north"}, "latitude"),
        ({"name": "x" * 151}, "name"),
        ({"name": "   "}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"kind": "castle"}, "kind"),
    ],
)
def test_bad_place_input_is_a_form_error_and_nothing_is_written(
    client, admin, territory, changes, field
):
    client.force_login(admin)
    response = client.post(reverse("outreach:place_create"), _place_data(territory, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Place.objects.exists()


def test_a_place_with_coordinates_is_created_and_markup_stays_text(client, admin, territory):
    client.force_login(admin)
    data = _place_data(territory, name="<script>alert(1)</script>")
    assert client.post(reverse("outreach:place_create"), data).status_code == 302
    place = Place.objects.get()
    assert str(place.latitude) == "50.851200" and place.territory == territory
    page = client.get(reverse("outreach:place_list"))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_place_in_another_organisations_neighbourhood_is_refused(
    client, admin, other_organisation
):
    foreign = Territory.objects.create(organisation=other_organisation, name_fr="Ailleurs")
    client.force_login(admin)
    response = client.post(reverse("outreach:place_create"), _place_data(foreign))
    assert response.status_code == 200
    assert "territory" in response.context["form"].errors
    assert not Place.objects.exists()


def test_a_stale_edit_answers_409_and_keeps_what_was_typed(client, admin, coordinator, place):
    url = reverse("outreach:place_edit", args=[place.public_id])
    client.force_login(admin)
    form = client.get(url).context["form"]
    version = form.initial["version"]
    # A coordinator saves first.
    other = type(client)()
    other.force_login(coordinator)
    first = other.post(
        url, _place_data(place.territory, name="Parc Marie-José (nord)", version=version)
    )
    assert first.status_code == 302
    response = client.post(
        url, _place_data(place.territory, name="Parc Marie-José (sud)", version=version)
    )
    assert response.status_code == 409
    assert response.context["form"]["name"].value() == "Parc Marie-José (sud)"
    assert "Parc Marie-José (nord)" in response.text  # the saved version beside the form
    place.refresh_from_db()
    assert place.name == "Parc Marie-José (nord)"
    # Saving again from the conflict page goes through.
    retry = client.post(
        url,
        _place_data(
            place.territory,
            name="Parc Marie-José (sud)",
            version=response.context["form"].data["version"],
        ),
    )
    assert retry.status_code == 302
    place.refresh_from_db()
    assert place.name == "Parc Marie-José (sud)"
    changed = AuditEvent.objects.filter(action="place.changed")
    assert changed.count() == 2
    assert "name" in changed.first().fields


def test_an_archived_place_leaves_the_forms_and_old_records_keep_it(
    client, admin, social_worker, presence, place, team
):
    from lien.outreach import services
    from lien.outreach.services import Cell

    encounter, _ = services.record_encounter(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=presence.started_at,
        place=place,
        counts=[Cell("18-21", "M", 1)],
    )
    client.force_login(admin)
    response = client.post(reverse("outreach:place_archive", args=[place.public_id]))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.archived_at is not None
    assert AuditEvent.objects.filter(action="place.archived").count() == 1
    # A second archive changes nothing.
    client.post(reverse("outreach:place_archive", args=[place.public_id]))
    assert AuditEvent.objects.filter(action="place.archived").count() == 1

    client.force_login(social_worker)
    new_form = client.get(reverse("outreach:encounter_new")).context["form"]
    assert place not in new_form.fields["place"].queryset
    edit_form = client.get(reverse("outreach:encounter_edit", args=[encounter.public_id]))
    assert place in edit_form.context["form"].fields["place"].queryset
    encounter.refresh_from_db()
    assert encounter.place == place

    client.force_login(admin)
    client.post(reverse("outreach:place_restore", args=[place.public_id]))
    place.refresh_from_db()
    assert place.archived_at is None
    assert AuditEvent.objects.filter(action="place.restored").exists()


def test_an_archived_theme_leaves_the_encounter_form(client, admin, social_worker, themes):
    client.force_login(admin)
    housing = themes["housing"]
    client.post(reverse("outreach:theme_archive", args=[housing.public_id]))
    client.force_login(social_worker)
    form = client.get(reverse("outreach:encounter_new")).context["form"]
    assert housing not in form.fields["themes"].queryset
    assert themes["health"] in form.fields["themes"].queryset


def test_an_archived_neighbourhood_leaves_the_presence_form(
    client, admin, social_worker, territory
):
    client.force_login(admin)
    client.post(reverse("outreach:territory_archive", args=[territory.public_id]))
    client.force_login(social_worker)
    form = client.get(reverse("outreach:presence_start")).context["form"]
    assert territory not in form.fields["territory"].queryset


def test_a_theme_is_created_and_its_code_stays_when_edited(client, admin, themes):
    client.force_login(admin)
    data = {
        "label_fr": "Numérique",
        "label_nl": "Digitaal",
        "label_en": "Digital",
        "code": "digital",
        "position": "20",
    }
    assert client.post(reverse("outreach:theme_create"), data).status_code == 302
    theme = Theme.objects.get(code="digital")
    duplicate = client.post(reverse("outreach:theme_create"), data)
    assert "code" in duplicate.context["form"].errors
    url = reverse("outreach:theme_edit", args=[theme.public_id])
    form = client.get(url).context["form"]
    assert "code" not in form.fields
    edit = {**data, "code": "other", "label_fr": "Numérique et écrans", "version": theme.version}
    assert client.post(url, edit).status_code == 302
    theme.refresh_from_db()
    assert (theme.code, theme.label_fr) == ("digital", "Numérique et écrans")
    bad = client.post(url, {**edit, "position": "-1", "version": theme.version})
    assert "position" in bad.context["form"].errors


def test_another_organisation_gets_404(client, stranger_admin, territory, place, themes):
    client.force_login(stranger_admin)
    for name, obj in [
        ("territory_edit", territory),
        ("place_edit", place),
        ("theme_edit", themes["housing"]),
    ]:
        assert client.get(reverse(f"outreach:{name}", args=[obj.public_id])).status_code == 404
    response = client.post(reverse("outreach:place_archive", args=[place.public_id]))
    assert response.status_code == 404
    place.refresh_from_db()
    assert place.archived_at is None
    listed = client.get(reverse("outreach:territory_list"))
    assert territory.name_fr not in listed.text


@pytest.mark.parametrize("size", [2, 12])
def test_the_lists_cost_the_same_queries_whatever_their_length(
    client, admin, organisation, size, django_assert_max_num_queries
):
    territories = [
        Territory.objects.create(organisation=organisation, name_fr=f"Quartier {i}")
        for i in range(size)
    ]
    for i, territory in enumerate(territories):
        Place.objects.create(organisation=organisation, territory=territory, name=f"Place {i}")
    client.force_login(admin)
    for name in ("territory_list", "place_list", "theme_list"):
        with django_assert_max_num_queries(9):
            assert client.get(reverse(f"outreach:{name}")).status_code == 200


def test_editing_a_place_shows_its_own_neighbourhood_and_keeps_it(
    client, admin, organisation, place
):
    # The neighbourhood select names neighbourhoods by public id: the form once showed the
    # first one, and saving it unchanged moved the place there.
    Territory.objects.create(organisation=organisation, name_fr="Aaa premier quartier")
    client.force_login(admin)
    url = reverse("outreach:place_edit", args=[place.public_id])
    form = client.get(url).context["form"]
    assert form["territory"].value() == place.territory.public_id
    shown = {bound.name: bound.value() for bound in form if bound.value() is not None}
    assert client.post(url, {**shown, "description": "Entrée rue Ransfort"}).status_code == 302
    place.refresh_from_db()
    assert place.territory.name_fr == "Gare de l'Ouest"
    assert place.description == "Entrée rue Ransfort"
