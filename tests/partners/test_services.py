import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.core.versioning import EditConflict
from lien.partners import services
from lien.partners.models import Partner, PartnerContact


def test_creating_a_partner_records_who_and_which_fields_never_the_values(social_worker):
    partner = services.create_partner(
        by=social_worker,
        data={"name": "Le Pavillon", "sector": "basic_needs", "phone": "02 410 00 00"},
    )
    assert partner.organisation == social_worker.organisation
    assert partner.created_by == social_worker
    assert partner.version == 1
    event = AuditEvent.objects.get(action="partner.created")
    assert event.actor == social_worker
    assert event.object_id == str(partner.public_id)
    assert event.fields == ["name", "phone", "sector"]
    assert "02 410" not in str(event.__dict__)


def test_a_name_already_in_the_directory_is_refused_whatever_its_case_and_spacing(
    make_partner,
):
    make_partner(name="CPAS de Molenbeek")
    for variant in ("cpas de molenbeek", "  CPAS  de Molenbeek ", "CPAS DE MOLENBEEK"):
        with pytest.raises(ValidationError) as exc:
            make_partner(name=variant)
        assert "name" in exc.value.message_dict
    assert Partner.objects.count() == 1


def test_accented_capitals_count_as_the_same_name_on_every_database(make_partner):
    make_partner(name="Équipe mobile")
    with pytest.raises(ValidationError):
        make_partner(name="ÉQUIPE MOBILE")


def test_an_archived_partner_frees_its_name(make_partner, social_worker):
    old = make_partner(name="Infor-Drogues")
    services.archive_partner(by=social_worker, partner=old)
    again = make_partner(name="Infor-Drogues")
    assert again.pk != old.pk
    assert Partner.objects.count() == 2


def test_the_same_name_in_another_organisation_is_fine(make_partner, make_user, other_organisation):
    make_partner(name="CPAS de Bruxelles")
    other = make_user(Role.SOCIAL_WORKER, organisation=other_organisation)
    services.create_partner(by=other, data={"name": "CPAS de Bruxelles"})
    assert Partner.objects.count() == 2


def test_the_database_also_refuses_two_active_partners_with_one_name(make_partner):
    from django.db import IntegrityError, transaction

    partner = make_partner(name="Samusocial")
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(organisation=partner.organisation, name="SAMUSOCIAL")


def test_update_names_the_changed_fields_and_bumps_the_version(partner, social_worker):
    services.update_partner(
        by=social_worker,
        partner=partner,
        version=1,
        data={"name": partner.name, "phone": "02 411 11 11", "opening_hours": "Lu-Ve 9h-17h"},
    )
    partner.refresh_from_db()
    assert partner.version == 2
    assert partner.phone == "02 411 11 11"
    event = AuditEvent.objects.get(action="partner.changed")
    assert event.fields == ["opening_hours", "phone"]


def test_a_stale_update_raises_a_conflict_and_writes_nothing(partner, social_worker):
    services.update_partner(by=social_worker, partner=partner, version=1, data={"phone": "1"})
    stale = Partner.objects.get(pk=partner.pk)
    with pytest.raises(EditConflict) as exc:
        services.update_partner(by=social_worker, partner=stale, version=1, data={"phone": "2"})
    assert exc.value.current.phone == "1"
    assert Partner.objects.get(pk=partner.pk).phone == "1"
    assert AuditEvent.objects.filter(action="partner.changed").count() == 1


def test_renaming_onto_another_partner_is_refused(make_partner, social_worker):
    make_partner(name="SMES")
    other = make_partner(name="Diogènes")
    with pytest.raises(ValidationError):
        services.update_partner(by=social_worker, partner=other, version=1, data={"name": "smes"})
    assert Partner.objects.get(pk=other.pk).name == "Diogènes"


def test_archiving_keeps_the_record_and_is_audited(partner, social_worker):
    services.archive_partner(by=social_worker, partner=partner)
    partner.refresh_from_db()
    assert partner.archived_at is not None
    assert partner.version == 2
    assert not Partner.objects.active().exists()
    assert AuditEvent.objects.filter(action="partner.archived").count() == 1
    services.archive_partner(by=social_worker, partner=partner)  # twice: nothing more
    assert AuditEvent.objects.filter(action="partner.archived").count() == 1


def test_contacts_are_added_changed_and_archived_with_an_audit_trail(partner, social_worker):
    contact = services.add_contact(
        by=social_worker, partner=partner, data={"full_name": "Dr Aït Said", "role": "médecin"}
    )
    assert contact.organisation_id == partner.organisation_id
    services.update_contact(
        by=social_worker, contact=contact, version=1, data={"phone": "0470 00 00 00"}
    )
    with pytest.raises(EditConflict):
        services.update_contact(
            by=social_worker,
            contact=PartnerContact.objects.get(pk=contact.pk),
            version=1,
            data={"phone": "0470 99 99 99"},
        )
    services.archive_contact(by=social_worker, contact=contact)
    contact.refresh_from_db()
    assert contact.phone == "0470 00 00 00"
    assert contact.archived_at is not None
    assert list(
        AuditEvent.objects.filter(object_id=str(contact.public_id))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["partner_contact.created", "partner_contact.changed", "partner_contact.archived"]


@pytest.mark.parametrize("role", [Role.HOUSE_MANAGER, Role.FIELD_VOLUNTEER, Role.ANALYST])
def test_only_the_managing_roles_may_write(make_user, organisation, role):
    reader = make_user(role, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.create_partner(by=reader, data={"name": "Nope"})
    assert not Partner.objects.exists()


def test_visible_to_scopes_to_the_organisation_and_the_right(
    partner, make_user, organisation, other_organisation
):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation)
    analyst = make_user(Role.ANALYST, organisation=organisation)
    stranger = make_user(Role.SOCIAL_WORKER, organisation=other_organisation)
    assert list(Partner.objects.visible_to(volunteer)) == [partner]
    assert not Partner.objects.visible_to(analyst).exists()
    assert not Partner.objects.visible_to(stranger).exists()


def test_search_matches_every_word_across_fields_and_sector_names(make_partner):
    make_partner(name="Maison médicale Le Canal", sector="health", languages="FR, arabe")
    make_partner(name="AIS Molenbeek", sector="housing", commune="Molenbeek-Saint-Jean")
    make_partner(name="Médiation de dettes", sector="debt", services="Budget, plans de paiement")

    def names(query):
        return sorted(Partner.objects.search(query).values_list("name", flat=True))

    assert names("canal") == ["Maison médicale Le Canal"]
    assert names("ARABE") == ["Maison médicale Le Canal"]
    assert names("molenbeek") == ["AIS Molenbeek"]
    assert names("paiement") == ["Médiation de dettes"]
    assert names("housing") == ["AIS Molenbeek"]  # the sector's label
    assert names("ais molenbeek") == ["AIS Molenbeek"]
    assert names("dettes canal") == []


def test_import_creates_all_rows_in_one_go_and_skips_names_taken_meanwhile(
    make_partner, social_worker
):
    rows = [
        (2, {"name": "Le Pavillon", "sector": "basic_needs"}),
        (3, {"name": "Bij Ons", "sector": "basic_needs"}),
        (4, {"name": "le pavillon", "sector": "other"}),
    ]
    make_partner(name="Bij ons")  # someone created it between preview and confirm
    result = services.import_partners(by=social_worker, rows=rows)
    assert [p.name for p in result.imported] == ["Le Pavillon"]
    assert [(s.row, s.name) for s in result.skipped] == [(3, "Bij Ons"), (4, "le pavillon")]
    assert AuditEvent.objects.filter(action="partner.imported").count() == 1


def test_an_import_row_breaking_a_field_rule_is_skipped_not_saved(social_worker):
    result = services.import_partners(
        by=social_worker,
        rows=[(2, {"name": "x" * 201}), (3, {"name": "Ok", "email": "not an email"})],
    )
    assert result.imported == []
    assert [s.row for s in result.skipped] == [2, 3]
    assert not Partner.objects.exists()


def test_a_failing_import_writes_nothing(social_worker, monkeypatch):
    from lien.partners import services as module

    def failing_record(**kwargs):  # the audit write fails after the partners are in
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(module, "record_each", failing_record)
    with pytest.raises(RuntimeError):
        services.import_partners(
            by=social_worker, rows=[(2, {"name": "Un"}), (3, {"name": "Deux"})]
        )
    assert not Partner.objects.exists()
