import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services_referrals as services
from lien.casework.models import CircleMember, Consent, Referral
from lien.partners.models import Partner


@pytest.fixture
def partner(organisation):
    return Partner.objects.create(organisation=organisation, name="Maison médicale du Karreveld")


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


def post_referral(client, person, partner, **data):
    payload = {
        "partner": str(partner.public_id),
        "reason": "Besoin d'un médecin traitant",
        "referred_on": timezone.localdate().isoformat(),
        **data,
    }
    return client.post(reverse("casework:referral_create", args=[person.public_id]), payload)


def test_a_referral_without_consent_is_refused_with_a_message_and_nothing_written(
    client, social_worker, person, partner
):
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    response = post_referral(client, person, partner)
    assert response.status_code == 200
    assert "no consent in force" in response.content.decode()
    # What was typed comes back in the form (escaped, as any text in the page).
    assert "Besoin d'un médecin traitant" in html.unescape(response.content.decode())
    assert not Referral.objects.exists()


def test_consent_given_now_is_recorded_with_the_referral(client, social_worker, person, partner):
    client.force_login(social_worker)
    response = post_referral(client, person, partner, consent_now="on", accompanied="on")
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.accompanied and referral.status == "proposed"
    assert referral.consent.partner == partner and referral.consent.scope == "sharing"
    assert referral.remind_on == referral.referred_on + datetime.timedelta(days=14)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"consent.recorded", "referral.created"} <= actions


def test_a_withdrawn_consent_no_longer_allows_referrals(social_worker, person, partner):
    today = timezone.localdate()
    consent = services.record_consent(
        by=social_worker,
        person=person,
        scope="sharing",
        partner=partner,
        given_on=today - datetime.timedelta(days=10),
    )
    services.withdraw_consent(by=social_worker, consent=consent, on=today)
    with pytest.raises(ValidationError):
        services.refer(
            by=social_worker,
            person=person,
            partner=partner,
            reason="x",
            referred_on=today,
            accompanied=False,
        )
    # Before the withdrawal, the consent covered it: a referral dated then is accepted.
    referral = services.refer(
        by=social_worker,
        person=person,
        partner=partner,
        reason="x",
        referred_on=today - datetime.timedelta(days=1),
        accompanied=False,
    )
    assert referral.consent == consent


def test_a_consent_for_another_partner_does_not_count(social_worker, person, partner, organisation):
    other = Partner.objects.create(organisation=organisation, name="CPAS de Molenbeek")
    services.record_consent(
        by=social_worker,
        person=person,
        scope="sharing",
        partner=other,
        given_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        services.refer(
            by=social_worker,
            person=person,
            partner=partner,
            reason="x",
            referred_on=timezone.localdate(),
            accompanied=False,
        )


def test_only_a_coordinator_may_override_and_must_say_why(
    client, social_worker, coordinator, person, partner
):
    client.force_login(social_worker)
    form = client.get(reverse("casework:referral_create", args=[person.public_id]))
    assert "override_reason" not in form.context["form"].fields
    post_referral(client, person, partner, override_reason="urgence")
    assert not Referral.objects.exists()

    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    without_reason = post_referral(client, person, partner)
    assert "Say why" in without_reason.content.decode()
    assert not Referral.objects.exists()
    response = post_referral(client, person, partner, override_reason="Urgence médicale")
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent is None and referral.consent_override_reason == "Urgence médicale"
    event = AuditEvent.objects.get(action="referral.consent_overridden")
    assert event.actor == coordinator and "Urgence" not in str(event.fields)


def test_answering_a_refusal_needs_a_reason_and_conflicts_are_caught(
    client, social_worker, make_user, organisation, team, person, partner
):
    referral = services.refer(
        by=social_worker,
        person=person,
        partner=partner,
        reason="x",
        referred_on=timezone.localdate(),
        accompanied=False,
        consent_now=True,
    )
    url = reverse("casework:referral_edit", args=[referral.public_id])
    client.force_login(social_worker)
    refused = client.post(url, {"status": "refused", "version": 1})
    assert "refusal_reason" in refused.context["form"].errors
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    assert other.post(url, {"status": "accepted", "version": 1}).status_code == 302
    late = client.post(url, {"status": "done", "outcome": "RDV pris", "version": 1})
    assert late.status_code == 409
    assert "RDV pris" in late.content.decode()
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_unanswered_referrals_come_back_on_their_authors_today(
    client, social_worker, person, partner
):
    services.refer(
        by=social_worker,
        person=person,
        partner=partner,
        reason="x",
        referred_on=timezone.localdate() - datetime.timedelta(days=20),
        accompanied=False,
        consent_now=True,
    )
    services.refer(
        by=social_worker,
        person=person,
        partner=partner,
        reason="recent",
        referred_on=timezone.localdate(),
        accompanied=False,
    )
    client.force_login(social_worker)
    page = client.get(reverse("web:today"))
    assert [r.reason for r in page.context["unanswered_referrals"]] == ["x"]


def test_the_circle_lists_colleagues_and_external_workers(
    client, social_worker, make_user, organisation, team, person, partner
):
    client.force_login(social_worker)
    url = reverse("casework:circle_add", args=[person.public_id])
    nobody = client.post(url, {"role": "doctor"})
    assert "name" in nobody.context["form"].errors
    future = client.post(url, {"role": "doctor", "name": "Dr X", "last_contact_on": "2999-01-01"})
    assert "last_contact_on" in future.context["form"].errors
    assert not CircleMember.objects.exists()
    ok = client.post(
        url,
        {
            "role": "cpas_worker",
            "name": "Mme Janssens",
            "partner": str(partner.public_id),
            "phone": "02 000 00 00",
            "started_on": "2026-01-10",
        },
    )
    assert ok.status_code == 302
    manager = make_user(Role.HOUSE_MANAGER, organisation=organisation, teams=[team])
    client.force_login(manager)
    body = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Mme Janssens" in body
    member = CircleMember.objects.get()
    assert client.get(reverse("casework:circle_edit", args=[member.public_id])).status_code == 403


def test_records_of_another_organisation_cannot_be_linked(
    social_worker, person, other_organisation
):
    foreign = Partner.objects.create(organisation=other_organisation, name="Ailleurs")
    with pytest.raises(PermissionDenied):
        services.record_consent(
            by=social_worker,
            person=person,
            scope="sharing",
            partner=foreign,
            given_on=timezone.localdate(),
        )
    assert not Consent.objects.exists()


def test_a_foreign_partner_cannot_be_chosen_in_the_form(
    client, social_worker, person, other_organisation
):
    foreign = Partner.objects.create(organisation=other_organisation, name="Ailleurs")
    client.force_login(social_worker)
    response = post_referral(client, person, foreign, consent_now="on")
    assert "partner" in response.context["form"].errors
    assert not Referral.objects.exists() and not Consent.objects.exists()
