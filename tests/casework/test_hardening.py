"""Regression tests for the review of the person file and casework (access, audit, input)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services, services_pathways, services_referrals
from lien.casework.models import JournalEntry, Procedure
from lien.partners.models import Partner
from lien.people import merging
from lien.people import services as people_services
from lien.people.models import Person


def test_the_timeline_shows_a_volunteer_the_minimal_identity_only(
    client, make_user, organisation, social_worker, team
):
    person = people_services.create_person(
        by=social_worker,
        team=team,
        data={"first_name": "Karim", "last_name": "Secretlast", "nickname": "Kiki", "niss": ""},
    )
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    Person.objects.filter(pk=person.pk).update(created_by=volunteer)  # a person they met
    client.force_login(volunteer)
    page = client.get(reverse("casework:timeline", args=[person.public_id]))
    assert page.status_code == 200
    assert "Secretlast" not in page.content.decode()
    assert "Kiki" in page.content.decode()


def test_a_house_manager_sees_no_circle_role_that_reveals_health_justice_or_debts(
    client, make_user, organisation, social_worker, team, person
):
    for role, name in [
        ("doctor", "Dr Hidden"),
        ("lawyer", "Me Hidden"),
        ("cpas_worker", "Mme Shown"),
    ]:
        services_referrals.add_to_circle(
            by=social_worker, person=person, data={"role": role, "name": name}
        )
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    client.force_login(manager)
    body = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Mme Shown" in body
    assert "Dr Hidden" not in body and "Me Hidden" not in body
    client.force_login(social_worker)
    body = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Dr Hidden" in body and "Me Hidden" in body


def test_the_audit_trail_never_names_a_sensitive_section_or_domain(
    social_worker, make_user, organisation, team
):
    coordinator = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    services_pathways.create_pathway(
        by=coordinator,
        name="Accueil",
        event="follow_up_opened",
        team=None,
        steps=[{"title": "Casier", "domain": "justice", "days_after": 7}],
    )
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo", "niss": ""}
    )
    services.add_journal_entry(
        by=social_worker,
        person=person,
        text="x",
        kind="note",
        channel="in_person",
        visibility="team",
        section="addictions",
    )
    fields = [f for event in AuditEvent.objects.all() for f in event.fields]
    assert "addictions" not in fields and "justice" not in fields
    assert AuditEvent.objects.get(action="pathway.applied").fields == ["procedures"]


def test_opening_a_procedure_a_referral_or_a_circle_entry_is_an_audited_read(
    client, social_worker, organisation, person
):
    partner = Partner.objects.create(organisation=organisation, name="CPAS")
    procedure = services.create_procedure(
        by=social_worker, person=person, data={"domain": "cpas", "title": "RIS"}
    )
    referral = services_referrals.refer(
        by=social_worker,
        person=person,
        partner=partner,
        reason="x",
        referred_on=timezone.localdate(),
        accompanied=False,
        consent_now=True,
    )
    member = services_referrals.add_to_circle(
        by=social_worker, person=person, data={"role": "cpas_worker", "name": "Mme P"}
    )
    client.force_login(social_worker)
    for url in (
        reverse("casework:procedure_edit", args=[procedure.public_id]),
        reverse("casework:referral_edit", args=[referral.public_id]),
        reverse("casework:circle_edit", args=[member.public_id]),
    ):
        before = AuditEvent.objects.filter(action="person.viewed").count()
        assert client.get(url).status_code == 200
        after = AuditEvent.objects.filter(action="person.viewed", object_id=str(person.public_id))
        assert after.count() == before + 1, url


def test_a_merged_file_takes_no_new_record(client, social_worker, team, person):
    kept = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Momo bis", "niss": ""}
    )
    merging.merge_persons(by=social_worker, keep=kept, absorb=person, choices={})
    client.force_login(social_worker)
    page = client.get(reverse("people:person_detail", args=[person.public_id]))
    assert page.status_code == 200
    assert not page.context["can_write_note"] and not page.context["can_add_procedure"]
    for name in ("casework:journal_add", "casework:procedure_create", "casework:referral_create"):
        assert client.get(reverse(name, args=[person.public_id])).status_code == 404, name
    response = client.post(
        reverse("casework:journal_add", args=[person.public_id]),
        {"kind": "note", "channel": "phone", "visibility": "team", "text": "lost?"},
    )
    assert response.status_code == 404
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1850-06-01T10:00"])
def test_a_journal_date_out_of_any_sense_is_a_form_error_not_a_500(
    client, social_worker, person, when
):
    client.force_login(social_worker)
    response = client.post(
        reverse("casework:journal_add", args=[person.public_id]),
        {
            "kind": "note",
            "channel": "phone",
            "visibility": "team",
            "text": "x",
            "occurred_at": when,
        },
    )
    assert response.status_code == 200
    assert "occurred_at" in response.context["form"].errors


def test_impossible_cpas_dates_are_refused_and_an_old_row_still_opens(
    client, social_worker, person
):
    client.force_login(social_worker)
    url = reverse("casework:procedure_create", args=[person.public_id])
    base = {"domain": "cpas", "title": "RIS", "status": "todo"}
    far = client.post(
        url, {**base, "cpas_received_on": "2026-01-01", "cpas_notified_on": "9999-12-31"}
    )
    assert far.status_code == 200 and "cpas_notified_on" in far.context["form"].errors
    old = client.post(url, {**base, "cpas_received_on": "0001-01-01"})
    assert old.status_code == 200 and "cpas_received_on" in old.context["form"].errors
    assert not Procedure.objects.exists()
    # A row written before the bounds existed still opens (its deadlines are left out).
    procedure = services.create_procedure(
        by=social_worker,
        person=person,
        data={
            "domain": "cpas",
            "title": "old",
            "due_on": datetime.date(2026, 1, 1),
            "cpas_received_on": datetime.date(2026, 1, 1),
            "cpas_notified_on": datetime.date(9999, 12, 31),
        },
    )
    page = client.get(reverse("casework:procedure_edit", args=[procedure.public_id]))
    assert page.status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+01:00~journal~00000000-0000-0000-0000-000000000000",
        "9999-12-31T23:59:59-05:00~journal~00000000-0000-0000-0000-000000000000",
    ],
)
def test_a_timeline_link_out_of_range_shows_the_latest_entries(
    client, social_worker, person, cursor
):
    client.force_login(social_worker)
    page = client.get(reverse("casework:timeline", args=[person.public_id]), {"before": cursor})
    assert page.status_code == 200
    assert len(list(page.context["messages"])) == 1


def test_a_procedure_keeps_its_archived_partner_and_deactivated_responsible_on_edit(
    client, social_worker, make_user, organisation, team, person
):
    from lien.partners import services as partner_services

    partner = Partner.objects.create(organisation=organisation, name="CPAS Molenbeek")
    former = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    procedure = services.create_procedure(
        by=social_worker,
        person=person,
        data={"domain": "cpas", "title": "RIS", "partner": partner, "responsible": former},
    )
    partner_services.archive_partner(by=social_worker, partner=partner)
    type(former).objects.filter(pk=former.pk).update(is_active=False)
    client.force_login(social_worker)
    response = client.post(
        reverse("casework:procedure_edit", args=[procedure.public_id]),
        {
            "domain": "cpas",
            "title": "RIS",
            "status": "done",
            "partner": str(partner.public_id),
            "responsible": str(former.public_id),
            "version": procedure.version,
        },
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == "done" and procedure.partner == partner
