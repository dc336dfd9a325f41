import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework.models import Procedure
from lien.outreach import services
from lien.outreach.models import AnonymousCount, Encounter, Passage, Place, Territory, Theme
from lien.outreach.services import Cell
from lien.outreach.vocabulary import THEMES, seed_molenbeek, seed_vocabulary
from lien.people.models import Person
from lien.people.services import create_person
from tests.factories import TeamFactory


def _encounter(by, team, **kwargs):
    kwargs.setdefault("occurred_at", timezone.now())
    kwargs.setdefault("client_token", uuid.uuid4())
    return services.record_encounter(by=by, team=team, **kwargs)


def test_seed_vocabulary_is_idempotent_and_keeps_edited_labels(organisation):
    assert seed_vocabulary(organisation=organisation) == len(THEMES)
    Theme.objects.filter(organisation=organisation, code="housing").update(label_fr="Toit")
    assert seed_vocabulary(organisation=organisation) == 0
    assert Theme.objects.get(organisation=organisation, code="housing").label_fr == "Toit"


def test_seed_molenbeek_creates_territories_and_places_once(organisation):
    seed_molenbeek(organisation=organisation)
    seed_molenbeek(organisation=organisation)
    assert Territory.objects.filter(organisation=organisation, name_fr="Beekkant").exists()
    station = Place.objects.get(organisation=organisation, name__startswith="Gare de l'Ouest")
    assert station.kind == Place.Kind.STATION
    assert float(station.latitude) == pytest.approx(50.849)
    assert Territory.objects.filter(organisation=organisation).count() == 13


def test_a_presence_starts_and_ends_with_its_workers(social_worker, team, territory, place):
    presence = services.start_presence(
        by=social_worker, team=team, territory=territory, places=[place]
    )
    assert list(presence.workers.all()) == [social_worker]
    assert presence.is_under_way
    services.end_presence(by=social_worker, presence=presence, atmosphere="calme", logbook="RAS")
    presence.refresh_from_db()
    assert presence.ended_at is not None and presence.logbook == "RAS"
    assert AuditEvent.objects.filter(action="presence.ended").count() == 1


def test_a_presence_cannot_end_before_it_starts(presence, social_worker):
    with pytest.raises(ValueError):
        services.end_presence(
            by=social_worker,
            presence=presence,
            ended_at=presence.started_at - datetime.timedelta(hours=1),
        )
    presence.refresh_from_db()
    assert presence.ended_at is None


def test_another_teams_member_cannot_start_a_presence(make_user, organisation, territory):
    stranger_team = TeamFactory(organisation=organisation)
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.start_presence(by=worker, team=stranger_team, territory=territory)


def test_an_anonymous_encounter_stores_counts_that_sum(social_worker, team, place, themes):
    encounter, created = _encounter(
        social_worker,
        team,
        place=place,
        counts=[Cell("18-21", "M", 3), Cell("15-17", "F", 2), Cell("22-25", "X", 0)],
        themes=[themes["employment"]],
        new_people=True,
    )
    assert created
    assert encounter.counts.count() == 2
    total = AnonymousCount.objects.filter(encounter__team=team).aggregate(n=Sum("count"))["n"]
    assert total == 5
    assert set(encounter.counts.values_list("is_new", flat=True)) == {True}
    event = AuditEvent.objects.get(action="encounter.recorded")
    assert "counts" in event.fields and "note" not in event.fields


def test_the_same_client_token_records_one_encounter(social_worker, team):
    token = uuid.uuid4()
    first, created = _encounter(
        social_worker, team, client_token=token, counts=[Cell("18-21", "M", 1)]
    )
    again, created_again = _encounter(
        social_worker, team, client_token=token, counts=[Cell("18-21", "M", 1)]
    )
    assert created and not created_again and first.pk == again.pk
    assert Encounter.objects.count() == 1 and AnonymousCount.objects.count() == 1


def test_future_encounters_and_negative_counts_are_refused(social_worker, team):
    with pytest.raises(ValueError):
        _encounter(social_worker, team, occurred_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValueError):
        _encounter(social_worker, team, counts=[Cell("18-21", "M", -2)])
    assert not Encounter.objects.exists()


def test_a_follow_up_on_a_named_person_opens_a_procedure_due_in_seven_days(social_worker, team):
    person = create_person(by=social_worker, team=team, data={"nickname": "Momo"})
    encounter, _ = _encounter(social_worker, team, persons=[person], follow_up_needed=True)
    procedure = Procedure.objects.get(person=person)
    assert procedure.status == Procedure.Status.TODO
    assert procedure.due_on == timezone.localdate(encounter.occurred_at) + datetime.timedelta(7)
    assert procedure.responsible == social_worker


def test_an_anonymous_follow_up_stays_on_the_encounter(social_worker, team):
    encounter, _ = _encounter(
        social_worker, team, counts=[Cell("18-21", "M", 2)], follow_up_needed=True
    )
    assert encounter.follow_up_needed and not Procedure.objects.exists()


def test_objects_of_another_organisation_are_refused(social_worker, team, other_organisation):
    foreign_territory = Territory.objects.create(organisation=other_organisation, name_fr="X")
    foreign_place = Place.objects.create(
        organisation=other_organisation, territory=foreign_territory, name="Y"
    )
    with pytest.raises(PermissionDenied):
        _encounter(social_worker, team, place=foreign_place, counts=[Cell("18-21", "M", 1)])
    assert not Encounter.objects.exists()


def test_a_volunteer_sees_the_people_of_encounters_they_recorded_or_attended(
    social_worker, volunteer, team, presence, make_user, organisation
):
    met = create_person(by=social_worker, team=team, data={"nickname": "Momo"})
    attended = create_person(by=social_worker, team=team, data={"nickname": "Bilal"})
    unseen = create_person(by=social_worker, team=team, data={"nickname": "Zaza"})
    _encounter(volunteer, team, persons=[met])
    presence.workers.add(volunteer)
    _encounter(social_worker, team, presence=presence, persons=[attended])
    _encounter(social_worker, team, persons=[unseen])
    visible = set(Person.objects.visible_to(volunteer).values_list("nickname", flat=True))
    assert visible == {"Momo", "Bilal"}
    other_volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    assert not Person.objects.visible_to(other_volunteer).exists()
    # The social worker's rules are unchanged: the team follows all three.
    assert Person.objects.visible_to(social_worker).count() == 3


def test_a_drop_in_visit_is_recorded_once_named_or_anonymous(social_worker, team):
    token = uuid.uuid4()
    for _ in range(2):
        services.record_passage(
            by=social_worker,
            team=team,
            client_token=token,
            occurred_at=timezone.now(),
            age_band="gt25",
            gender="F",
            services=["shower", "drink_meal"],
        )
    passage = Passage.objects.get()
    assert passage.services == ["drink_meal", "shower"] and passage.age_band == "gt25"
