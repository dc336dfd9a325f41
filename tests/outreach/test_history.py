"""Street-work records keep the values a change replaced, encrypted in its audit event."""

import datetime
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.outreach import services, services_records
from lien.outreach import services_observations as observations
from lien.outreach.models import Encounter, Mediation, Presence
from lien.outreach.services import Cell
from lien.people.services import create_person


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


@pytest.fixture
def momo(social_worker, team):
    return create_person(
        by=social_worker,
        team=team,
        data={"nickname": "Momo", "first_name": "Mohamed", "last_name": "El Idrissi"},
    )


@pytest.fixture
def lina(social_worker, team):
    return create_person(
        by=social_worker, team=team, data={"first_name": "Lina", "last_name": "Benali"}
    )


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
    services_records.update_presence(
        by=social_worker,
        presence=presence,
        version=presence.version,
        data={"logbook": "Calme au parc", "atmosphere": "calme"},
        places=[place],
    )
    presence = Presence.objects.get(pk=presence.pk)
    services_records.update_presence(
        by=social_worker,
        presence=presence,
        version=presence.version,
        data={"logbook": "Tendu", "atmosphere": "tendu"},
        places=[],
    )
    previous = _last("presence.changed").previous_values
    assert previous == {"logbook": "Calme au parc", "atmosphere": "calme", "places": place.name}

    passage, _ = services.record_passage(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        age_band="18-21",
        services=["shower"],
    )
    services_records.update_passage(
        by=social_worker,
        passage=passage,
        version=passage.version,
        data={"age_band": "22-25", "services": ["laundry", "shower"]},
    )
    assert _last("passage.changed").previous_values == {
        "age_band": "18-21",
        "services": "shower",
    }

    observation, _ = observations.record_observation(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        observed_at=timezone.now(),
        category="gathering",
        text="Groupe calme",
        territory=territory,
        measures={"Tentes": 3},
    )
    observations.update_observation(
        by=social_worker,
        observation=observation,
        version=observation.version,
        data={"text": "Groupe agité", "category": "gathering"},
        measures={"Tentes": 5},
    )
    assert _last("observation.changed").previous_values == {
        "text": "Groupe calme",
        "measures": "Tentes: 3",
    }

    mediation, _ = observations.record_mediation(
        by=social_worker,
        team=team,
        client_token=uuid.uuid4(),
        occurred_at=timezone.now(),
        nature="neighbours",
        territory=territory,
        persons=[momo],
        outcome="Accord",
        follow_up_on=timezone.localdate(),
    )
    observations.mark_follow_up_done(by=social_worker, mediation=mediation)
    mediation = Mediation.objects.get(pk=mediation.pk)
    done_at = mediation.follow_up_done_at
    observations.update_mediation(
        by=social_worker,
        mediation=mediation,
        version=mediation.version,
        data={
            "outcome": "Pas d'accord",
            "parties_description": "Deux voisins",
            "follow_up_on": timezone.localdate() + datetime.timedelta(days=7),
        },
        persons=[],
    )
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
    presence = services.start_presence(by=social_worker, team=team, territory=territory)
    services_records.update_presence(
        by=social_worker,
        presence=presence,
        version=presence.version,
        data={"logbook": "Écrit en route"},
        places=[],
    )
    services.end_presence(
        by=social_worker, presence=Presence.objects.get(pk=presence.pk), atmosphere="calme"
    )
    event = _last("presence.ended")
    assert event.previous_values == {"logbook": "Écrit en route"}
    assert "logbook" in event.fields
