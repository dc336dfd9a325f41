"""The bench's street work: as the services would write it, in both organisations, apart."""

import pytest
from django.conf import settings
from django.db.models import F, Q

from lien.access import policy
from lien.accounts.models import Organisation, Role, Team
from lien.audit.models import AuditEvent
from lien.bench import generator, street
from lien.casework.models import FollowUp
from lien.outreach.models import (
    AnonymousCount,
    Encounter,
    Mediation,
    Observation,
    Passage,
    Place,
    Presence,
    Territory,
    Theme,
)
from lien.outreach.vocabulary import MOLENBEEK_PLACES, MOLENBEEK_TERRITORIES, THEMES

SCALE = 0.05


@pytest.fixture
def generated(db):
    generator.generate(SCALE)
    return (
        Organisation.objects.get(name=generator.ORGANISATION_NAME),
        Organisation.objects.get(name=generator.OTHER_ORGANISATION_NAME),
    )


def test_street_work_volumes_in_both_organisations(generated):
    ours, other = generated
    for organisation, volumes in (
        (ours, generator.sizes(SCALE).street),
        (other, generator.sizes(SCALE).other_street),
    ):
        teams = Team.objects.filter(organisation=organisation, name__startswith="Équipe de rue")
        assert teams.count() == volumes.teams
        of = {"organisation": organisation}
        assert Territory.objects.filter(**of).count() == len(MOLENBEEK_TERRITORIES)
        assert Place.objects.filter(**of).count() == max(volumes.places, len(MOLENBEEK_PLACES))
        assert Theme.objects.filter(**of).count() == len(THEMES)
        assert Presence.objects.filter(**of).count() == volumes.presences
        assert Encounter.objects.filter(**of).count() == volumes.encounters
        assert Passage.objects.filter(**of).count() == volumes.passages
        assert Observation.objects.filter(**of).count() == volumes.observations
        assert Mediation.objects.filter(**of).count() == volumes.mediations
    assert (
        Encounter.objects.filter(organisation=other).count()
        < Encounter.objects.filter(organisation=ours).count()
    )


def test_street_rows_point_only_within_their_organisation(generated):
    for model in (Presence, Encounter, Passage, Observation, Mediation):
        rows = model.objects.all()
        assert not rows.exclude(team__organisation=F("organisation")).exists(), model
        assert not rows.exclude(created_by__organisation=F("organisation")).exists(), model
    for model in (Encounter, Observation, Mediation):
        rows = model.objects.filter(place__isnull=False)
        assert not rows.exclude(place__organisation=F("organisation")).exists(), model
        # The place is in the neighbourhood the row is filed under.
        assert not rows.exclude(place__territory=F("territory")).exists(), model
    located = Encounter.objects.filter(territory__isnull=False)
    assert not located.exclude(territory__organisation=F("organisation")).exists()
    # The neighbourhood is copied from the place, else the presence, as the service does.
    assert not Encounter.objects.filter(territory__isnull=True, presence__isnull=False).exists()
    assert not located.filter(place__isnull=True, presence__isnull=True).exists()
    assert (
        not Encounter.objects.filter(presence__isnull=False)
        .exclude(presence__team=F("team"))
        .exists()
    )
    assert not Encounter.persons.through.objects.exclude(
        person__organisation=F("encounter__organisation")
    ).exists()
    assert not Encounter.themes.through.objects.exclude(
        theme__organisation=F("encounter__organisation")
    ).exists()
    assert not AnonymousCount.objects.exclude(organisation=F("encounter__organisation")).exists()
    assert not Presence.workers.through.objects.exclude(
        user__organisation=F("presence__organisation")
    ).exists()
    # Named people on an encounter are followed by its team, so the team sees them.
    for encounter in Encounter.objects.filter(persons__isnull=False).distinct()[:50]:
        for person in encounter.persons.all():
            assert FollowUp.objects.filter(person=person, team_id=encounter.team_id).exists()


def test_encounters_are_written_as_the_service_writes_them(generated):
    ours, _other = generated
    encounters = Encounter.objects.filter(organisation=ours)
    assert encounters.filter(persons__isnull=False).exists()
    assert encounters.filter(counts__isnull=False).exists()
    assert encounters.filter(themes__isnull=False).exists()
    assert encounters.filter(presence__isnull=True).exists()
    assert set(encounters.values_list("kind", flat=True)) <= set(Encounter.Kind.values)
    # Counts in the configured age bands, never zero or negative.
    bands = {code for code, _label in settings.LIEN_OUTREACH_AGE_BANDS}
    assert set(AnonymousCount.objects.values_list("age_band", flat=True)) <= bands
    assert not AnonymousCount.objects.filter(count__lte=0).exists()
    # Within their presence, never in the future; notes are readable tokens.
    assert not encounters.filter(occurred_at__lt=F("presence__started_at")).exists()
    assert not encounters.filter(occurred_at__gt=F("presence__ended_at")).exists()
    noted = [encounter.note for encounter in encounters.order_by("pk")[:100] if encounter.note]
    assert noted and all(len(note) > 10 for note in noted)
    # A follow-up on named people would open procedures: the bench flags anonymous ones only.
    assert not encounters.filter(follow_up_needed=True, persons__isnull=False).exists()
    # One audit event per record, with fields the service names.
    events = AuditEvent.objects.filter(action="encounter.recorded")
    assert events.count() == Encounter.objects.count()
    named = encounters.filter(persons__isnull=False).first()
    event = events.get(object_id=str(named.public_id))
    assert "persons" in event.fields and event.actor_id == named.created_by_id
    for action, model in (
        ("presence.started", Presence),
        ("passage.recorded", Passage),
        ("observation.recorded", Observation),
        ("mediation.recorded", Mediation),
    ):
        assert AuditEvent.objects.filter(action=action).count() == model.objects.count()
    assert AuditEvent.objects.filter(action="presence.ended").count() == (
        Presence.objects.filter(ended_at__isnull=False).count()
    )


def test_the_social_worker_is_in_the_field_with_the_busiest_street_team(generated):
    worker = generator.bench_user(Role.SOCIAL_WORKER)
    teams = policy.outreach_teams(worker, Team.objects.filter(name__startswith="Équipe de rue"))
    first = Team.objects.filter(
        organisation=worker.organisation, name__startswith=street.STREET_TEAM_PREFIX
    ).order_by("pk")[0]
    assert first in teams
    under_way = Presence.objects.under_way().filter(workers=worker)
    assert under_way.count() == 1 and under_way.get().team == first
    # The team goes out more than any other.
    counts = {
        team.pk: Encounter.objects.filter(team=team).count()
        for team in Team.objects.filter(organisation=worker.organisation)
    }
    assert counts[first.pk] == max(counts.values())
    # The coordinator and the admin keep their teams: the casework scenarios are unchanged.
    for role in (Role.COORDINATOR, Role.ADMIN):
        user = generator.bench_user(role)
        assert not user.team_memberships.filter(
            team__name__startswith=street.STREET_TEAM_PREFIX
        ).exists()


def test_the_other_organisations_street_work_never_shows(generated):
    ours, other = generated
    worker = generator.bench_user(Role.SOCIAL_WORKER)
    assert Encounter.objects.filter(organisation=other).exists()
    for model in (Encounter, Presence, Passage, Observation):
        assert not model.objects.visible_to(worker).filter(organisation=other).exists(), model
    assert not Territory.objects.visible_to(worker).filter(~Q(organisation=ours)).exists()
