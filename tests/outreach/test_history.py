"""Street-work records keep the values a change replaced, encrypted in its audit event, and
have a history of changes for the same people as their own page, showing no more than it."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.customfields.services import define_field
from lien.outreach import services, services_records
from lien.outreach import services_observations as observations
from lien.outreach.models import Encounter, Mediation, Passage, Presence
from lien.outreach.services import Cell
from lien.people.services import create_person
from tests.factories import TeamFactory
from tests.outreach.test_mediations import _mediate
from tests.outreach.test_observations import _observe


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


def _encounter(by, team, **extra):
    encounter, _created = services.record_encounter(
        by=by,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now() - datetime.timedelta(minutes=30),
        counts=extra.pop("counts", [Cell("18-21", "M", 3)]),
        **extra,
    )
    return encounter


def _change_encounter(by, encounter, **changes):
    fresh = Encounter.objects.get(pk=encounter.pk)
    persons = changes.pop("persons", None)
    if persons is None:
        persons = list(fresh.persons.all())
    counts = changes.pop("counts", None)
    if counts is None:
        counts = [
            services_records.CountCell(c.age_band, c.gender, c.is_new, c.count)
            for c in fresh.counts.all()
        ]
    return services_records.update_encounter(
        by=by,
        encounter=fresh,
        version=fresh.version,
        data=changes,
        persons=persons,
        counts=counts,
        themes=changes.pop("themes", list(fresh.themes.all())),
    )


def _change(update, by, obj, **kwargs):
    """Change `obj` through `update` from its saved version, as a form would."""
    fresh = type(obj).objects.get(pk=obj.pk)
    name = obj._meta.model_name
    return update(by=by, **{name: fresh}, version=fresh.version, **kwargs)


def _presence(by, team, territory, *logbooks: str) -> Presence:
    """A presence whose logbook was written, then rewritten, as `logbooks` say."""
    presence = services.start_presence(by=by, team=team, territory=territory)
    for logbook in logbooks:
        _change(
            services_records.update_presence, by, presence, data={"logbook": logbook}, places=[]
        )
    return presence


def _passage(by, team, **extra) -> Passage:
    passage, _created = services.record_passage(
        by=by, team=team, client_token=uuid.uuid4(), occurred_at=timezone.now(), **extra
    )
    return passage


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("occurred_at", "pk")


def _history(obj) -> str:
    return reverse("audit:record_history", args=[obj._meta.label_lower, obj.public_id])


# What the services keep.


def test_an_encounter_change_keeps_what_it_replaced(social_worker, team, place, themes, momo, lina):
    encounter = _encounter(
        social_worker, team, place=place, themes=[themes["housing"]], persons=[momo], note="A"
    )
    _change_encounter(
        social_worker,
        encounter,
        note="B",
        place=None,
        kind=Encounter.Kind.PHONE,
        persons=[lina],
        themes=[themes["health"]],
        counts=[services_records.CountCell("15-17", "F", True, 2)],
    )
    event = _last("encounter.changed")
    previous = event.previous_values
    assert previous["note"] == "A"
    assert previous["place"] == place.name and previous["territory"] == place.territory.name
    assert previous["kind"] == Encounter.Kind.STREET
    assert previous["themes"] == themes["housing"].label
    assert previous["counts"] == "3 × 18-21 M"
    # The people are kept by their public ids, never by name.
    assert previous["persons"] == str(momo.public_id)
    assert "Mohamed" not in event.previous
    # Encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT previous FROM audit_auditevent WHERE id = %s", [event.pk])
        raw = cursor.fetchone()[0]
    assert "3 × 18-21" not in raw and str(momo.public_id) not in raw


def test_presence_visit_observation_and_mediation_changes_keep_what_they_replaced(
    social_worker, team, territory, place, momo
):
    presence = services.start_presence(by=social_worker, team=team, territory=territory)
    update = services_records.update_presence
    data = {"logbook": "Calme au parc", "atmosphere": "calme"}
    _change(update, social_worker, presence, data=data, places=[place])
    data = {"logbook": "Tendu", "atmosphere": "tendu"}
    _change(update, social_worker, presence, data=data, places=[])
    previous = _last("presence.changed").previous_values
    assert previous == {"logbook": "Calme au parc", "atmosphere": "calme", "places": place.name}

    passage = _passage(social_worker, team, age_band="18-21", services=["shower"])
    data = {"age_band": "22-25", "services": ["laundry", "shower"]}
    _change(services_records.update_passage, social_worker, passage, data=data)
    assert _last("passage.changed").previous_values == {
        "age_band": "18-21",
        "services": "shower",
    }

    observation = _observe(
        social_worker, team, territory, text="Groupe calme", measures={"Tentes": 3}
    )
    data = {"text": "Groupe agité"}
    _change(
        observations.update_observation,
        social_worker,
        observation,
        data=data,
        measures={"Tentes": 5},
    )
    assert _last("observation.changed").previous_values == {
        "text": "Groupe calme",
        "measures": "Tentes: 3",
    }

    mediation = _mediate(
        social_worker,
        team,
        territory,
        persons=[momo],
        parties_description="",
        outcome="Accord",
        follow_up_on=timezone.localdate(),
    )
    observations.mark_follow_up_done(by=social_worker, mediation=mediation)
    done_at = Mediation.objects.get(pk=mediation.pk).follow_up_done_at
    data = {
        "outcome": "Pas d'accord",
        "parties_description": "Deux voisins",
        "follow_up_on": timezone.localdate() + datetime.timedelta(days=7),
    }
    _change(observations.update_mediation, social_worker, mediation, data=data, persons=[])
    event = _last("mediation.changed")
    assert event.previous_values == {
        "outcome": "Accord",
        "parties_description": "",
        "follow_up_on": timezone.localdate().isoformat(),
        "follow_up_done_at": done_at.isoformat(),
        "persons": str(momo.public_id),
    }
    assert set(event.fields) == set(event.previous_values)


def test_ending_a_presence_keeps_the_logbook_it_replaces(social_worker, team, territory):
    presence = _presence(social_worker, team, territory, "Écrit en route")
    services.end_presence(
        by=social_worker, presence=Presence.objects.get(pk=presence.pk), atmosphere="calme"
    )
    event = _last("presence.ended")
    assert event.previous_values == {"logbook": "Écrit en route"}
    assert "logbook" in event.fields


# The history pages.


def test_the_author_reads_an_encounters_history_linked_from_its_edit_page(
    client, social_worker, team, place, momo
):
    encounter = _encounter(social_worker, team, place=place, persons=[momo], note="Premier mot")
    _change_encounter(social_worker, encounter, note="Second mot", persons=[])
    client.force_login(social_worker)
    edit = client.get(reverse("outreach:encounter_edit", args=[encounter.public_id]))
    assert _history(encounter) in edit.text
    response = client.get(_history(encounter))
    assert response.status_code == 200
    body = response.text
    assert "Encounter changed" in body and "Encounter recorded" in body
    assert "Premier mot" in body and "3 × 18-21 M" not in body  # counts did not change
    # Momo, whom the team follows, by nickname only, as on the edit page.
    assert "Momo" in body and "El Idrissi" not in body and "Mohamed" not in body
    event = _last("history.viewed")
    assert (event.actor, event.object_type) == (social_worker, "outreach.encounter")
    assert event.object_id == str(encounter.public_id) and event.previous is None


def test_a_volunteer_reads_people_by_nickname_or_first_name_only(
    client, volunteer, coordinator, team, momo, lina
):
    encounter = _encounter(volunteer, team, note="Au parc")
    _change_encounter(coordinator, encounter, persons=[momo, lina])
    _change_encounter(coordinator, encounter, persons=[momo], note="Au square")
    client.force_login(volunteer)
    response = client.get(_history(encounter))
    assert response.status_code == 200
    body = response.text
    # Lina stays visible to the volunteer only while named on an encounter of theirs: she is
    # off it now, so she is counted, not named.
    assert "Momo, 1 person you do not see" in body
    assert "Au parc" in body
    for hidden in ("Mohamed", "El Idrissi", "Benali", "Lina"):
        assert hidden not in body


def test_people_the_reader_does_not_see_are_counted_not_named(
    client, coordinator, make_user, organisation, team, momo
):
    other_team = TeamFactory(organisation=organisation, name="Autre équipe")
    colleague = make_user(Role.COORDINATOR, organisation=organisation, teams=[team, other_team])
    zaza = create_person(by=colleague, team=other_team, data={"nickname": "Zaza"})
    encounter = _encounter(colleague, team, persons=[momo, zaza])
    _change_encounter(colleague, encounter, persons=[])
    client.force_login(coordinator)
    body = client.get(_history(encounter)).text
    assert "Momo, 1 person you do not see" in body and "Zaza" not in body
    client.force_login(colleague)
    assert "Momo, Zaza" in client.get(_history(encounter)).text


def test_an_encounters_history_is_for_those_who_may_change_it(
    client, social_worker, coordinator, volunteer, make_user, organisation, team
):
    encounter = _encounter(social_worker, team, note="Note")
    _change_encounter(social_worker, encounter, note="Autre")
    colleague = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team])
    outsider = make_user(Role.COORDINATOR, organisation=organisation, teams=[TeamFactory()])
    expected = [
        (social_worker, 200),
        (coordinator, 200),
        (colleague, 403),  # as the edit page: another worker's record
        (volunteer, 403),
        (outsider, 404),
    ]
    for user, status in expected:
        client.force_login(user)
        assert client.get(_history(encounter)).status_code == status, user
    assert AuditEvent.objects.filter(action="history.viewed").count() == 2


def test_another_organisation_gets_404_on_every_street_work_history(
    client, make_user, other_organisation, social_worker, team, territory, momo
):
    records = [
        _encounter(social_worker, team),
        _presence(social_worker, team, territory),
        _passage(social_worker, team),
        _observe(social_worker, team, territory),
        _mediate(social_worker, team, territory, persons=[momo]),
    ]
    stranger = make_user(*Role.values, organisation=other_organisation)
    client.force_login(stranger)
    for obj in records:
        assert client.get(_history(obj)).status_code == 404, obj
    client.force_login(social_worker)
    for obj in records:
        assert client.get(_history(obj)).status_code == 200, obj
    assert not AuditEvent.objects.filter(action="history.viewed", actor=stranger).exists()


def test_a_presence_and_a_visit_show_their_values_before(client, social_worker, team, territory):
    presence = _presence(social_worker, team, territory, "Rien à signaler", "Bagarre évitée")
    passage = _passage(social_worker, team, gender="F", services=["shower", "laundry"])
    data = {"gender": "M", "services": ["shower"]}
    _change(services_records.update_passage, social_worker, passage, data=data)
    client.force_login(social_worker)
    edit = client.get(reverse("outreach:presence_edit", args=[presence.public_id]))
    assert _history(presence) in edit.text
    assert "Rien à signaler" in client.get(_history(presence)).text
    edit = client.get(reverse("outreach:passage_edit", args=[passage.public_id]))
    assert _history(passage) in edit.text
    body = client.get(_history(passage)).text
    assert "Laundry, Shower" in body and "Female" in body


def test_an_observations_history_hides_the_custom_fields_the_reader_may_not_read(
    client, admin, social_worker, volunteer, team, territory
):
    secret = define_field(
        by=admin, entity="observation", kind="text", data={"label": "Noms", "sensitive": True}
    )
    observation = _observe(
        social_worker,
        team,
        territory,
        text="Groupe calme",
        custom_values={secret: "Karim et Youssef"},
    )
    update = observations.update_observation
    data = {"text": "Groupe parti"}
    _change(update, social_worker, observation, data=data, custom_values={secret: ""})
    client.force_login(social_worker)
    detail = client.get(reverse("outreach:observation_detail", args=[observation.public_id]))
    assert _history(observation) in detail.text
    body = client.get(_history(observation)).text
    assert "Groupe calme" in body and "Karim et Youssef" in body and "Noms" in body
    client.force_login(volunteer)  # sees the observation, not its sensitive field
    response = client.get(_history(observation))
    assert response.status_code == 200
    assert "Groupe calme" in response.text
    assert "Karim" not in response.text and "Noms" not in response.text
    assert "1 field you may not read." in response.text


def test_a_mediations_history_is_for_those_who_record_mediations(
    client, social_worker, volunteer, team, territory, momo
):
    mediation = _mediate(social_worker, team, territory, persons=[momo], outcome="Accord trouvé")
    data = {"outcome": "Rompu", "parties_description": "Deux voisins"}
    _change(observations.update_mediation, social_worker, mediation, data=data, persons=[])
    client.force_login(social_worker)
    detail = client.get(reverse("outreach:mediation_detail", args=[mediation.public_id]))
    assert _history(mediation) in detail.text
    body = client.get(_history(mediation)).text
    assert "Accord trouvé" in body and "Momo" in body and "Mohamed" not in body
    client.force_login(volunteer)
    assert client.get(_history(mediation)).status_code == 404


def test_an_archived_records_history_stays_readable(client, coordinator, social_worker, team):
    encounter = _encounter(social_worker, team, note="Gardé")
    _change_encounter(social_worker, encounter, note="Changé")
    services_records.archive_record(by=coordinator, obj=Encounter.objects.get(pk=encounter.pk))
    client.force_login(coordinator)
    body = client.get(_history(encounter)).text
    assert "Encounter archived" in body and "Gardé" in body


def test_the_history_costs_the_same_queries_for_few_or_many_changes(
    client, social_worker, team, momo, lina, django_assert_max_num_queries
):
    encounter = _encounter(social_worker, team, persons=[momo])
    client.force_login(social_worker)
    client.get(_history(encounter))  # the first request of a session does more

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_history(encounter)).status_code == 200
        return len(ctx)

    for i in range(2):
        _change_encounter(social_worker, encounter, persons=[lina] if i % 2 else [momo, lina])
    small = count()
    for i in range(20):
        _change_encounter(social_worker, encounter, persons=[lina] if i % 2 else [momo, lina])
    assert count() == small
    with django_assert_max_num_queries(12):
        client.get(_history(encounter))
