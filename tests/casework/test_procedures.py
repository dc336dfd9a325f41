import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services
from lien.casework.deadlines import add_months, cpas_deadlines
from lien.casework.models import Procedure


def post_procedure(client, person, **data):
    payload = {"domain": "cpas", "title": "Demande de RIS", "status": "todo", **data}
    return client.post(reverse("casework:procedure_create", args=[person.public_id]), payload)


def test_cpas_deadlines_follow_the_configured_rules(settings):
    received = datetime.date(2026, 1, 31)
    deadlines = cpas_deadlines(received_on=received, notified_on=datetime.date(2026, 3, 10))
    assert deadlines.decision_due == datetime.date(2026, 3, 2)
    assert deadlines.notification_due == datetime.date(2026, 3, 10)
    assert deadlines.appeal_until == datetime.date(2026, 6, 10)
    settings.LIEN_CPAS_RULES = {"decision_days": 15, "notification_days": 8, "appeal_months": 1}
    assert cpas_deadlines(received_on=received).decision_due == datetime.date(2026, 2, 15)
    assert cpas_deadlines(received_on=received).appeal_until is None
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


def test_a_cpas_request_without_due_date_is_due_at_the_legal_decision_date(
    client, social_worker, person
):
    client.force_login(social_worker)
    received = timezone.localdate() - datetime.timedelta(days=3)
    response = post_procedure(client, person, cpas_received_on=received.isoformat())
    assert response.status_code == 302
    procedure = Procedure.objects.get()
    assert procedure.due_on == received + datetime.timedelta(days=30)
    assert procedure.responsible is None
    assert AuditEvent.objects.filter(action="procedure.created", object_id=str(procedure.public_id))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cpas_received_on": "2999-01-01"}, "cpas_received_on"),
        ({"cpas_notified_on": "2026-01-01"}, "cpas_received_on"),
        ({"cpas_received_on": "2026-02-01", "cpas_notified_on": "2026-01-01"}, "cpas_notified_on"),
        ({"due_on": "31/02/2026"}, "due_on"),
        ({"title": "x" * 201}, "title"),
        ({"domain": "martian"}, "domain"),
        ({"status": "finished?"}, "status"),
    ],
)
def test_bad_procedure_input_is_explained_and_nothing_is_written(
    client, social_worker, person, data, field
):
    client.force_login(social_worker)
    response = post_procedure(client, person, outcome="kept text", **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "kept text" in response.content.decode()
    assert not Procedure.objects.exists()


def test_two_workers_editing_a_procedure_see_a_conflict_and_lose_nothing(
    client, social_worker, make_user, organisation, team, person
):
    procedure = services.create_procedure(
        by=social_worker, person=person, data={"domain": "housing", "title": "Inscription SISP"}
    )
    url = reverse("casework:procedure_edit", args=[procedure.public_id])
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    other = Client()
    other.force_login(colleague)
    client.force_login(social_worker)
    base = {"domain": "housing", "title": "Inscription SISP", "version": 1}
    first = other.post(url, {**base, "status": "in_progress", "outcome": "Envoyé en recommandé"})
    assert first.status_code == 302
    second = client.post(url, {**base, "status": "done", "outcome": "Numéro reçu"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Numéro reçu" in body and "Envoyé en recommandé" in body
    procedure.refresh_from_db()
    assert procedure.outcome == "Envoyé en recommandé" and procedure.version == 2
    third = client.post(url, {**base, "version": 2, "status": "done", "outcome": "Numéro reçu"})
    assert third.status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == "done" and procedure.version == 3
    assert AuditEvent.objects.filter(action="procedure.changed").count() == 2


def test_house_managers_and_volunteers_cannot_reach_procedures(
    client, social_worker, make_user, organisation, team, person
):
    procedure = services.create_procedure(
        by=social_worker, person=person, data={"domain": "cpas", "title": "RIS"}
    )
    for role in (Role.HOUSE_MANAGER, Role.FIELD_VOLUNTEER, Role.ANALYST):
        user = make_user(role, organisation=organisation, teams=[team])
        client.force_login(user)
        url = reverse("casework:procedure_edit", args=[procedure.public_id])
        assert client.get(url).status_code == 403


def test_a_procedure_of_another_organisation_answers_404(
    client, social_worker, person, make_user, other_organisation
):
    procedure = services.create_procedure(
        by=social_worker, person=person, data={"domain": "cpas", "title": "RIS"}
    )
    stranger = make_user(Role.SOCIAL_WORKER, organisation=other_organisation)
    client.force_login(stranger)
    url = reverse("casework:procedure_edit", args=[procedure.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"domain": "cpas", "title": "hacked", "version": 1}).status_code == 404
    procedure.refresh_from_db()
    assert procedure.title == "RIS"


def test_a_procedure_names_a_partner_of_the_directory_never_a_foreign_one(
    client, social_worker, person, organisation, other_organisation
):
    from lien.partners.models import Partner

    ours = Partner.objects.create(organisation=organisation, name="CPAS de Molenbeek")
    theirs = Partner.objects.create(organisation=other_organisation, name="CPAS d'ailleurs")
    client.force_login(social_worker)
    refused = post_procedure(client, person, partner=str(theirs.public_id))
    assert "partner" in refused.context["form"].errors
    assert post_procedure(client, person, partner=str(ours.public_id)).status_code == 302
    assert Procedure.objects.get().partner == ours
    with pytest.raises(PermissionDenied):
        services.create_procedure(
            by=social_worker,
            person=person,
            data={"domain": "cpas", "title": "x", "partner": theirs},
        )


def test_editing_a_procedure_shows_its_partner_and_responsible_and_keeps_them(
    client, social_worker, person, organisation
):
    # The selects name records by public id: the form once showed neither chosen, and saving
    # it unchanged cleared both.
    from lien.partners.models import Partner

    Partner.objects.create(organisation=organisation, name="Aaa first partner")
    partner = Partner.objects.create(organisation=organisation, name="CPAS de Molenbeek")
    procedure = services.create_procedure(
        by=social_worker,
        person=person,
        data={"domain": "cpas", "title": "RIS", "partner": partner, "responsible": social_worker},
    )
    client.force_login(social_worker)
    url = reverse("casework:procedure_edit", args=[procedure.public_id])
    page = client.get(url)
    form = page.context["form"]
    assert form["partner"].value() == partner.public_id
    assert form["responsible"].value() == social_worker.public_id
    assert f'<option value="{partner.public_id}" selected>' in page.content.decode()
    shown = {bound.name: bound.value() for bound in form if bound.value() is not None}
    assert client.post(url, {**shown, "outcome": "Dossier complet"}).status_code == 302
    procedure.refresh_from_db()
    assert procedure.partner == partner and procedure.responsible == social_worker
    assert procedure.outcome == "Dossier complet"


def test_editing_a_procedure_in_french_shows_its_dates_and_keeps_them(
    client, social_worker, person
):
    # A date box reads YYYY-MM-DD only: the French page once wrote "15/03/2026", the box
    # showed blank, and saving the form as shown cleared the due date.
    procedure = services.create_procedure(
        by=social_worker,
        person=person,
        data={"domain": "housing", "title": "SISP", "due_on": datetime.date(2026, 3, 15)},
    )
    client.force_login(social_worker)
    client.cookies["django_language"] = "fr"
    url = reverse("casework:procedure_edit", args=[procedure.public_id])
    page = client.get(url)
    assert 'name="due_on" value="2026-03-15"' in page.text
    data = {"domain": "housing", "title": "SISP", "version": 1, "due_on": "2026-03-15"}
    assert client.post(url, {**data, "status": "in_progress"}).status_code == 302
    procedure.refresh_from_db()
    assert procedure.due_on == datetime.date(2026, 3, 15)
