import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.casework import services_followups, services_pathways
from lien.casework.models import FollowUp, PathwayStep, PathwayTemplate, Procedure
from lien.people import services as people_services
from tests.factories import TeamFactory


@pytest.fixture
def coordinator(make_user, organisation, team):
    return make_user(Role.COORDINATOR, organisation=organisation, teams=[team])


def steps_payload(*steps, existing=0):
    data = {
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(existing),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for n, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{n}-{key}"] = value
    return data


def test_a_coordinator_defines_a_pathway_and_a_new_follow_up_gets_its_tasks(
    client, coordinator, social_worker, team
):
    client.force_login(coordinator)
    response = client.post(
        reverse("casework:pathway_create"),
        {
            "name": "Accueil d'un nouveau résident",
            "event": "follow_up_opened",
            "team": "",
            **steps_payload(
                {"title": "Bilan social individuel", "domain": "other", "days_after": "7"},
                {"title": "Vérifier la mutuelle", "domain": "health_insurance", "days_after": 14},
                {"title": "", "domain": "", "days_after": ""},
            ),
        },
    )
    assert response.status_code == 302
    template = PathwayTemplate.objects.get()
    assert template.steps.count() == 2
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "Nouveau", "niss": ""}
    )
    today = timezone.localdate()
    tasks = {p.title: p for p in Procedure.objects.filter(person=person)}
    assert tasks["Bilan social individuel"].due_on == today + datetime.timedelta(days=7)
    assert tasks["Vérifier la mutuelle"].due_on == today + datetime.timedelta(days=14)
    assert tasks["Bilan social individuel"].responsible == social_worker
    assert AuditEvent.objects.filter(action="pathway.applied", object_id=str(person.public_id))
    # The new task is on the worker's Today.
    client.force_login(social_worker)
    page = client.get(reverse("web:today"))
    assert "Bilan social individuel" in [p.title for p in page.context["my_procedures"]]


def test_a_team_pathway_applies_only_to_that_team(coordinator, social_worker, team, organisation):
    other_team = TeamFactory(organisation=organisation)
    services_pathways.create_pathway(
        by=coordinator,
        name="Équipe B",
        event="follow_up_opened",
        team=other_team,
        steps=[{"title": "Only B", "domain": "other", "days_after": 1}],
    )
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "A", "niss": ""}
    )
    assert not Procedure.objects.filter(person=person).exists()


def test_editing_steps_archives_the_removed_ones_and_archived_pathways_stop(
    client, coordinator, social_worker, team
):
    template = services_pathways.create_pathway(
        by=coordinator,
        name="Accueil",
        event="follow_up_opened",
        team=None,
        steps=[
            {"title": "Bilan", "domain": "other", "days_after": 7},
            {"title": "Old step", "domain": "other", "days_after": 3},
        ],
    )
    bilan, old = template.steps.order_by("position")
    client.force_login(coordinator)
    url = reverse("casework:pathway_edit", args=[template.public_id])
    response = client.post(
        url,
        {
            "name": "Accueil",
            "event": "follow_up_opened",
            "team": "",
            "version": template.version,
            **steps_payload(
                {"id": bilan.pk, "title": "Bilan", "domain": "other", "days_after": "5"},
                {
                    "id": old.pk,
                    "title": "Old step",
                    "domain": "other",
                    "days_after": "3",
                    "DELETE": "on",
                },
                existing=2,
            ),
        },
    )
    assert response.status_code == 302
    assert PathwayStep.objects.count() == 2  # nothing deleted
    old.refresh_from_db()
    bilan.refresh_from_db()
    assert old.archived_at is not None and bilan.days_after == 5
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "B", "niss": ""}
    )
    assert [p.title for p in Procedure.objects.filter(person=person)] == ["Bilan"]
    client.post(reverse("casework:pathway_archive", args=[template.public_id]))
    person = people_services.create_person(
        by=social_worker, team=team, data={"nickname": "C", "niss": ""}
    )
    assert not Procedure.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    "step",
    [
        {"title": "x" * 201, "domain": "other", "days_after": "7"},
        {"title": "Bilan", "domain": "other", "days_after": "-1"},
        {"title": "Bilan", "domain": "other", "days_after": "99999"},
        {"title": "Bilan", "domain": "nonsense", "days_after": "7"},
        {"title": "Bilan", "domain": "other", "days_after": "sept"},
    ],
)
def test_bad_steps_are_explained_and_nothing_is_saved(client, coordinator, step):
    client.force_login(coordinator)
    response = client.post(
        reverse("casework:pathway_create"),
        {"name": "<b>Accueil</b>", "event": "follow_up_opened", **steps_payload(step)},
    )
    assert response.status_code == 200
    assert response.context["steps"].errors[0]
    assert "&lt;b&gt;Accueil&lt;/b&gt;" in response.content.decode()
    assert not PathwayTemplate.objects.exists()


def test_another_team_can_start_following_and_ending_keeps_sight_for_a_while(
    client, social_worker, make_user, organisation, team, person
):
    second = TeamFactory(organisation=organisation, name="Maison des femmes")
    worker = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[team, second])
    client.force_login(worker)
    url = reverse("casework:follow_up_open", args=[person.public_id])
    assert [t.name for t in client.get(url).context["form"].fields["team"].queryset] == [
        second.name
    ]
    response = client.post(
        url, {"team": str(second.public_id), "started_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(team=second)
    end_url = reverse("casework:follow_up_end", args=[follow_up.public_id])
    future = client.post(end_url, {"ended_on": "2999-01-01", "end_reason": "x", "version": 1})
    assert "ended_on" in future.context["form"].errors
    ok = client.post(
        end_url,
        {"ended_on": timezone.localdate().isoformat(), "end_reason": "Relogé", "version": 1},
    )
    assert ok.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.ended_on == timezone.localdate() and follow_up.end_reason == "Relogé"
    assert AuditEvent.objects.filter(action="follow_up.ended").count() == 1


def test_ending_a_follow_up_offers_today(client, social_worker, person):
    # The instance's empty end used to hide the default: the date box came blank.
    client.force_login(social_worker)
    url = reverse("casework:follow_up_end", args=[person.follow_ups.get().public_id])
    page = client.get(url)
    assert f'name="ended_on" value="{timezone.localdate().isoformat()}"' in page.text


def test_a_worker_cannot_end_another_teams_follow_up(client, make_user, organisation, team, person):
    outsider_team = TeamFactory(organisation=organisation)
    outsider = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[outsider_team])
    follow_up = person.follow_ups.get()
    client.force_login(outsider)
    url = reverse("casework:follow_up_end", args=[follow_up.public_id])
    assert client.get(url).status_code == 404  # the outsider does not see the person


def test_a_team_cannot_follow_twice(social_worker, team, person):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services_followups.open_follow_up(
            by=social_worker, person=person, team=team, on=timezone.localdate()
        )
