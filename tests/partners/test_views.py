import pytest
from django.test import Client
from django.urls import reverse

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.partners import services
from lien.partners.models import Partner, PartnerContact


def url(name, obj=None):
    return reverse(f"partners:{name}", kwargs={"public_id": obj.public_id} if obj else None)


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


# Three actors: a role with the right, the same organisation without it, another organisation.


def test_a_social_worker_creates_a_partner_and_lands_on_its_page(sw_client):
    response = sw_client.post(
        url("partner_create"),
        {"name": "AIS Quartiers", "sector": "housing", "website": "www.ais.example"},
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response.url == url("partner_detail", partner)
    assert partner.website == "https://www.ais.example"
    assert AuditEvent.objects.filter(action="partner.created").exists()


def test_an_analyst_of_the_same_organisation_is_refused(client, analyst, partner):
    login(client, analyst)
    assert client.get(url("partner_list")).status_code == 403
    assert client.get(url("partner_detail", partner)).status_code == 403
    assert client.post(url("partner_create"), {"name": "X", "sector": "other"}).status_code == 403
    assert Partner.objects.count() == 1


def test_a_house_manager_reads_the_directory_but_cannot_change_it(client, house_manager, partner):
    login(client, house_manager)
    page = client.get(url("partner_detail", partner))
    assert page.status_code == 200
    assert url("partner_edit", partner) not in page.content.decode()
    assert client.get(url("partner_edit", partner)).status_code == 403
    assert client.post(url("partner_archive", partner)).status_code == 403
    assert Partner.objects.active().count() == 1


def test_another_organisation_gets_404_on_partners_and_contacts(client, stranger, partner):
    contact = services.add_contact(
        by=partner.created_by, partner=partner, data={"full_name": "Inès Dubois"}
    )
    login(client, stranger)
    for response in (
        client.get(url("partner_detail", partner)),
        client.get(url("partner_edit", partner)),
        client.post(url("partner_archive", partner)),
        client.get(url("contact_add", partner)),
        client.get(url("contact_edit", contact)),
        client.post(url("contact_archive", contact)),
    ):
        assert response.status_code == 404
    assert client.get(url("partner_list")).context["page"].paginator.count == 0
    assert Partner.objects.get().archived_at is None
    assert PartnerContact.objects.get().archived_at is None


def test_the_detail_page_lists_the_active_contacts(sw_client, partner, social_worker):
    services.add_contact(
        by=social_worker, partner=partner, data={"full_name": "Dr Peeters", "role": "médecin"}
    )
    gone = services.add_contact(by=social_worker, partner=partner, data={"full_name": "Parti"})
    services.archive_contact(by=social_worker, contact=gone)
    body = sw_client.get(url("partner_detail", partner)).content.decode()
    assert "Dr Peeters" in body and "médecin" in body
    assert "Parti" not in body


def test_the_list_searches_name_services_languages_commune_and_sector(sw_client, make_partner):
    make_partner(name="Maison médicale Le Canal", sector="health", languages="FR, arabe")
    make_partner(name="AIS Molenbeek", sector="housing", commune="Molenbeek-Saint-Jean")
    make_partner(name="Infor Dettes", sector="debt", services="Médiation de DETTES")

    def names(**params):
        response = sw_client.get(url("partner_list"), params)
        return [p.name for p in response.context["page"]]

    assert names() == ["AIS Molenbeek", "Infor Dettes", "Maison médicale Le Canal"]
    assert names(q="ARABE") == ["Maison médicale Le Canal"]
    assert names(q="saint-jean") == ["AIS Molenbeek"]
    assert names(q="médiation") == ["Infor Dettes"]
    assert names(sector="housing") == ["AIS Molenbeek"]
    assert names(q="canal", sector="housing") == []
    assert names(q="x" * 201) == []  # too long: refused, not searched


def test_archived_partners_leave_the_list(sw_client, partner):
    response = sw_client.post(url("partner_archive", partner))
    assert response.status_code == 302
    assert sw_client.get(url("partner_list")).context["page"].paginator.count == 0
    # Its page stays reachable (referrals point to it), read-only.
    page = sw_client.get(url("partner_detail", partner))
    assert page.status_code == 200
    assert not page.context["can_manage"]
    assert sw_client.get(url("partner_edit", partner)).status_code == 404


def test_the_list_costs_the_same_queries_for_3_or_60_partners(
    sw_client, make_partner, social_worker, django_assert_max_num_queries
):
    for n in range(3):
        partner = make_partner(name=f"Partenaire {n}", sector="health")
        services.add_contact(by=social_worker, partner=partner, data={"full_name": f"C {n}"})
    with django_assert_max_num_queries(8) as small:
        assert sw_client.get(url("partner_list"), {"q": "partenaire"}).status_code == 200
    for n in range(3, 60):
        partner = make_partner(name=f"Partenaire {n}", sector="housing")
        services.add_contact(by=social_worker, partner=partner, data={"full_name": f"C {n}"})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = sw_client.get(url("partner_list"), {"q": "partenaire"})
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.count == 60


def test_the_detail_page_costs_the_same_queries_whatever_the_contacts(
    sw_client, partner, social_worker, django_assert_max_num_queries
):
    services.add_contact(by=social_worker, partner=partner, data={"full_name": "Un"})
    with django_assert_max_num_queries(8) as small:
        sw_client.get(url("partner_detail", partner))
    for n in range(20):
        services.add_contact(by=social_worker, partner=partner, data={"full_name": f"C {n}"})
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert sw_client.get(url("partner_detail", partner)).status_code == 200


def test_a_duplicate_name_is_explained_on_the_form(sw_client, partner):
    response = sw_client.post(
        url("partner_create"), {"name": partner.name.upper(), "sector": "other"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Partner.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 201),
        ("name", ""),
        ("sector", "astrology"),
        ("email", "not-an-email"),
        ("website", "javascript:alert(1)"),
        ("postcode", "1" * 11),
        ("services", "s" * 2001),
        ("name", "nul\x00byte"),
    ],
)
def test_impossible_values_are_refused_with_a_message(sw_client, field, value):
    data = {"name": "Valide", "sector": "other", field: value}
    response = sw_client.post(url("partner_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Partner.objects.exists()


def test_markup_is_stored_as_typed_and_shown_as_text(sw_client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sw_client.post(url("partner_create"), {"name": hostile, "sector": "other", "notes": hostile})
    partner = Partner.objects.get()
    assert partner.name == hostile
    body = sw_client.get(url("partner_detail", partner)).content.decode()
    assert hostile not in body
    assert "&lt;script&gt;" in body
    listing = sw_client.get(url("partner_list")).content.decode()
    assert hostile not in listing


def test_two_workers_editing_one_partner_do_not_overwrite_each_other(
    sw_client, partner, make_user, organisation, team
):
    colleague = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    other = login(Client(), colleague)
    base = {"name": partner.name, "sector": partner.sector, "version": 1}
    assert (
        sw_client.post(url("partner_edit", partner), {**base, "phone": "02 111"}).status_code == 302
    )
    clash = other.post(url("partner_edit", partner), {**base, "phone": "02 222"})
    assert clash.status_code == 409
    body = clash.content.decode()
    assert "02 222" in body and "02 111" in body  # typed and saved, side by side
    assert Partner.objects.get().phone == "02 111"
    # Saving again from the conflict page, on purpose, goes through.
    again = other.post(url("partner_edit", partner), {**base, "version": 2, "phone": "02 222"})
    assert again.status_code == 302
    assert Partner.objects.get().phone == "02 222"


def test_contacts_are_added_edited_with_locking_and_archived(sw_client, partner, social_worker):
    response = sw_client.post(
        url("contact_add", partner),
        {"full_name": "Sara Lambrechts", "role": "AS", "email": "s@x.be"},
    )
    assert response.status_code == 302
    contact = PartnerContact.objects.get()
    assert contact.partner == partner and contact.organisation_id == partner.organisation_id
    edit = url("contact_edit", contact)
    assert sw_client.post(edit, {"full_name": "Sara L.", "version": 1}).status_code == 302
    clash = sw_client.post(edit, {"full_name": "Sara Lam.", "version": 1})
    assert clash.status_code == 409
    assert "Sara L." in clash.content.decode()
    assert sw_client.post(url("contact_archive", contact)).status_code == 302
    assert PartnerContact.objects.get().archived_at is not None
    assert sw_client.get(edit).status_code == 404
    bad = sw_client.post(url("contact_add", partner), {"full_name": "", "email": "nope"})
    assert set(bad.context["form"].errors) == {"full_name", "email"}


def test_archive_and_contact_archive_refuse_a_get(sw_client, partner):
    assert sw_client.get(url("partner_archive", partner)).status_code == 405
    assert Partner.objects.get().archived_at is None


def test_the_menu_shows_partners_to_those_who_may_see_them(client, house_manager, analyst):
    login(client, house_manager)
    assert url("partner_list") in client.get(reverse("web:today")).content.decode()
    login(client, analyst)
    assert url("partner_list") not in client.get(reverse("web:today")).content.decode()


def test_partner_pages_have_one_h1_and_no_inline_script_or_style(sw_client, partner):
    contact = services.add_contact(
        by=partner.created_by, partner=partner, data={"full_name": "Dr Test"}
    )
    for address in (
        url("partner_list"),
        url("partner_create"),
        url("partner_detail", partner),
        url("partner_edit", partner),
        url("contact_add", partner),
        url("contact_edit", contact),
        url("import_upload"),
        url("import_report"),
    ):
        body = sw_client.get(address).content.decode()
        assert body.count("<h1") == 1, address
        assert "<style" not in body and " style=" not in body, address
        for tag in body.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], address
