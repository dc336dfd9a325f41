"""Mediations: the form, bad input, named people (timeline, what others see), Today's
follow-ups, edit with conflicts, archive, audit."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import timeline
from lien.outreach import services_observations as services
from lien.outreach.models import Mediation
from lien.people.services import create_person
from tests.factories import TeamFactory

NEW = reverse("outreach:mediation_new")
LIST = reverse("outreach:mediation_list")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def momo(social_worker, team):
    return create_person(by=social_worker, team=team, data={"nickname": "Momo"})


def _post(client, team, **data):
    payload = {
        "client_token": str(uuid.uuid4()),
        "team": str(team.public_id),
        "nature": "neighbours",
        "parties_description": "Two neighbours",
    }
    payload.update(data)
    return client.post(NEW, payload)


def _mediate(by, team, territory, **extra):
    mediation, _created = services.record_mediation(
        by=by,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=extra.pop("occurred_at", timezone.now()),
        nature=extra.pop("nature", "shops"),
        territory=territory,
        parties_description=extra.pop("parties_description", "A shopkeeper and young people"),
        **extra,
    )
    return mediation


def test_a_mediation_naming_a_person_is_recorded_and_on_their_timeline(
    client, social_worker, team, presence, place, territory, momo
):
    client.force_login(social_worker)
    form = client.get(NEW, {"person": str(momo.public_id)})
    assert form.context["form"].initial["place"] == place.public_id
    response = _post(
        client,
        team,
        place=str(place.public_id),
        persons=[str(momo.public_id)],
        actions="Talked with both",
        outcome="Calmer",
        follow_up_on=(timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    )
    assert response.status_code == 302
    mediation = Mediation.objects.get()
    assert mediation.territory == territory and mediation.presence == presence
    assert list(mediation.persons.all()) == [momo]
    items, _more = timeline.for_person(social_worker, momo)
    assert [item.obj for item in items if item.kind == "mediation"] == [mediation]
    page = client.get(reverse("casework:timeline", args=[momo.public_id]))
    assert reverse("outreach:mediation_detail", args=[mediation.public_id]) in page.text


def test_sensitive_text_is_encrypted_at_rest(social_worker, team, territory):
    from django.db import connection

    mediation = _mediate(social_worker, team, territory, actions="Called the police")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parties_description, actions FROM outreach_mediation WHERE id = %s",
            [mediation.pk],
        )
        parties, actions = cursor.fetchone()
    assert "shopkeeper" not in parties and "police" not in actions


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nature": "war"}, "nature"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ({"follow_up_on": "2026-13-01"}, "follow_up_on"),
        ({"follow_up_on": "2000-01-01"}, "follow_up_on"),
        ({"outcome": "x" * 5001}, "outcome"),
        ({"persons": [str(uuid.uuid4())]}, "persons"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(
    client, social_worker, team, territory, data, field
):
    client.force_login(social_worker)
    response = _post(client, team, **{"territory": str(territory.public_id), **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Mediation.objects.exists()


def test_a_mediation_says_who_was_involved(client, social_worker, team, territory):
    client.force_login(social_worker)
    response = _post(client, team, territory=str(territory.public_id), parties_description="")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mediation.objects.exists()


def test_a_double_submit_records_one_mediation(client, social_worker, team, territory):
    client.force_login(social_worker)
    token = str(uuid.uuid4())
    for _ in range(2):
        _post(client, team, client_token=token, territory=str(territory.public_id))
    assert Mediation.objects.count() == 1


def test_a_person_one_does_not_see_cannot_be_named(
    client, make_user, organisation, social_worker, team, territory
):
    elsewhere = TeamFactory(organisation=organisation)
    other_worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[elsewhere])
    hidden = create_person(by=other_worker, team=elsewhere, data={"nickname": "Zed"})
    client.force_login(social_worker)
    response = _post(client, team, territory=str(territory.public_id), persons=[hidden.public_id])
    assert "persons" in response.context["form"].errors
    assert not Mediation.objects.exists()


def test_the_page_shows_only_the_people_one_sees_and_audits_the_read(
    client, make_user, organisation, social_worker, team, territory, momo
):
    mediation = _mediate(social_worker, team, territory, persons=[momo])
    url = reverse("outreach:mediation_detail", args=[mediation.public_id])
    client.force_login(social_worker)
    response = client.get(url)
    assert "Momo" in response.text
    assert AuditEvent.objects.filter(action="mediation.viewed").count() == 1
    # A coordinator of the team who does not see Momo (no follow-up) is told someone is hidden.
    colleague = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    momo.follow_ups.update(team=TeamFactory(organisation=organisation))
    client.force_login(colleague)
    response = client.get(url)
    assert "Momo" not in response.text
    assert response.context["hidden_persons"] == 1


def test_volunteers_other_teams_and_other_organisations_do_not_see_mediations(
    client, make_user, organisation, other_organisation, volunteer, social_worker, team, territory
):
    mediation = _mediate(social_worker, team, territory)
    url = reverse("outreach:mediation_detail", args=[mediation.public_id])
    client.force_login(volunteer)
    assert client.get(url).status_code == 403
    other_team = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    client.force_login(other_team)
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.COORDINATOR, organisation=other_organisation))
    assert client.get(url).status_code == 404
    done = reverse("outreach:mediation_follow_up_done", args=[mediation.public_id])
    assert client.post(done).status_code == 404


def test_a_due_follow_up_shows_on_the_team_s_today_until_done(
    client, make_user, organisation, social_worker, team, territory
):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    due = _mediate(
        social_worker, team, territory, occurred_at=yesterday, follow_up_on=timezone.localdate()
    )
    later = _mediate(
        social_worker,
        team,
        territory,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    colleague = make_user(Role.COORDINATOR, organisation=organisation, teams=[team])
    client.force_login(colleague)
    today = client.get(reverse("web:today"))
    assert today.context["mediations_due"] == [due]
    assert later not in today.context["mediations_due"]
    done = reverse("outreach:mediation_follow_up_done", args=[due.public_id])
    response = client.post(done, {"next": reverse("web:today")})
    assert response.url == reverse("web:today")
    assert client.get(reverse("web:today")).context["mediations_due"] == []
    assert AuditEvent.objects.filter(action="mediation.follow_up_done").count() == 1
    # Someone of another team does not see it.
    outsider = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    client.force_login(outsider)
    assert client.get(reverse("web:today")).context["mediations_due"] == []


def test_an_edit_is_versioned_keeps_hidden_people_and_a_stale_save_gets_409(
    client, make_user, organisation, social_worker, team, territory, momo
):
    elsewhere = TeamFactory(organisation=organisation)
    other_worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[elsewhere])
    hidden = create_person(by=other_worker, team=elsewhere, data={"nickname": "Zed"})
    mediation = _mediate(other_worker, elsewhere, territory, persons=[hidden])
    # Now the mediation is also the team's: move it, as if recorded for both.
    Mediation.objects.filter(pk=mediation.pk).update(team=team)
    mediation.refresh_from_db()
    url = reverse("outreach:mediation_edit", args=[mediation.public_id])
    client.force_login(social_worker)
    base = {
        "nature": "public_space",
        "territory": str(territory.public_id),
        "parties_description": "Shop and youths",
        "persons": [str(momo.public_id)],
        "occurred_at": timezone.localtime(mediation.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "version": "1",
    }
    assert client.post(url, base).status_code == 302
    mediation.refresh_from_db()
    assert mediation.nature == "public_space" and mediation.version == 2
    assert set(mediation.persons.all()) == {momo, hidden}
    response = client.post(url, {**base, "outcome": "stale"})
    assert response.status_code == 409
    mediation.refresh_from_db()
    assert mediation.outcome == ""


def test_an_archived_mediation_is_kept_and_leaves_list_timeline_and_today(
    client, social_worker, team, territory, momo
):
    mediation = _mediate(
        social_worker, team, territory, persons=[momo], follow_up_on=timezone.localdate()
    )
    client.force_login(social_worker)
    client.post(reverse("outreach:mediation_archive", args=[mediation.public_id]))
    mediation.refresh_from_db()
    assert mediation.archived_at is not None
    assert list(client.get(LIST).context["page"].object_list) == []
    assert client.get(reverse("web:today")).context["mediations_due"] == []
    items, _more = timeline.for_person(social_worker, momo)
    assert not [item for item in items if item.kind == "mediation"]


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_and_the_page_cost_a_fixed_number_of_queries(
    client, social_worker, team, territory, momo, size, django_assert_max_num_queries
):
    for _ in range(size):
        _mediate(social_worker, team, territory, persons=[momo])
    mediation = Mediation.objects.first()
    client.force_login(social_worker)
    client.get(LIST)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(14):
        detail = reverse("outreach:mediation_detail", args=[mediation.public_id])
        assert client.get(detail).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("web:today")).status_code == 200


def test_the_list_filters_by_nature(client, social_worker, team, territory):
    shops = _mediate(social_worker, team, territory, nature="shops")
    _mediate(social_worker, team, territory, nature="neighbours")
    client.force_login(social_worker)
    assert list(client.get(LIST, {"kind": "shops"}).context["page"].object_list) == [shops]
