import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lien.audit.models import AuditEvent
from lien.core.versioning import EditConflict
from lien.partners.models import Partner
from lien.projects import services
from lien.projects.models import (
    Activity,
    AnonymousParticipants,
    CollectiveProject,
    Participation,
)
from tests.factories import TeamFactory
from tests.projects.conftest import END, START

pytestmark = pytest.mark.django_db


def test_creating_a_project_records_the_field_names_only(project):
    event = AuditEvent.objects.get(action="project.created")
    assert event.object_id == str(project.public_id)
    assert "title" in event.fields and "Foot du mercredi" not in str(event.fields)


def test_the_public_defaults_to_young_people(social_worker, team):
    with translation.override("en"):
        project = services.create_project(
            by=social_worker, team=team, data={"title": "Sortie", "starts_on": START}
        )
    assert project.public == "Young people aged 15 to 25"


def test_a_project_cannot_end_before_it_starts(social_worker, team):
    with pytest.raises(ValidationError):
        services.create_project(
            by=social_worker,
            team=team,
            data={"title": "X", "starts_on": END, "ends_on": START},
        )
    assert not CollectiveProject.objects.exists()


def test_the_database_refuses_a_project_ending_before_it_starts(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectiveProject.objects.filter(pk=project.pk).update(
            ends_on=START - datetime.timedelta(1)
        )


def test_a_partner_of_another_organisation_is_refused(social_worker, team, other_organisation):
    foreign = Partner.objects.create(organisation=other_organisation, name="Ailleurs")
    with pytest.raises(PermissionDenied):
        services.create_project(
            by=social_worker,
            team=team,
            data={"title": "X", "starts_on": START},
            partners=[foreign],
        )


def test_a_team_of_another_organisation_or_not_ones_own_is_refused(
    social_worker, organisation, other_organisation
):
    for team in (
        TeamFactory(organisation=other_organisation),
        TeamFactory(organisation=organisation, name="Pas la mienne"),
    ):
        with pytest.raises(PermissionDenied):
            services.create_project(
                by=social_worker, team=team, data={"title": "X", "starts_on": START}
            )
    assert not CollectiveProject.objects.exists()


def test_a_volunteer_cannot_create_a_project(volunteer, team):
    with pytest.raises(PermissionDenied):
        services.create_project(by=volunteer, team=team, data={"title": "X", "starts_on": START})


def test_two_editors_do_not_overwrite_each_other(social_worker, project):
    services.update_project(
        by=social_worker, project=project, version=1, data={"title": "Foot"}, partners=[]
    )
    stale = CollectiveProject.objects.get(pk=project.pk)
    with pytest.raises(EditConflict):
        services.update_project(
            by=social_worker, project=stale, version=1, data={"title": "Basket"}, partners=[]
        )
    assert CollectiveProject.objects.get(pk=project.pk).title == "Foot"


def test_shrinking_the_dates_past_an_activity_is_refused(social_worker, project, activity):
    with pytest.raises(ValidationError):
        services.update_project(
            by=social_worker,
            project=project,
            version=project.version,
            data={"starts_on": datetime.date(2026, 3, 20)},
            partners=[],
        )
    assert CollectiveProject.objects.get(pk=project.pk).starts_on == START


def test_archiving_keeps_the_project(social_worker, project):
    services.archive_project(by=social_worker, project=project)
    project.refresh_from_db()
    assert project.archived_at is not None
    assert AuditEvent.objects.filter(action="project.archived").count() == 1


@pytest.mark.parametrize("day", [START - datetime.timedelta(1), END + datetime.timedelta(1)])
def test_an_activity_outside_the_project_dates_is_refused(social_worker, project, day):
    with pytest.raises(ValidationError):
        services.add_activity(
            by=social_worker, project=project, data={"kind": "outing", "date": day}
        )
    assert not Activity.objects.exists()


def test_a_stay_ends_after_it_starts(social_worker, project):
    day = datetime.date(2026, 4, 10)
    with pytest.raises(ValidationError):
        services.add_activity(
            by=social_worker, project=project, data={"kind": "stay", "date": day, "end_date": day}
        )
    stay = services.add_activity(
        by=social_worker,
        project=project,
        data={"kind": "stay", "date": day, "end_date": day + datetime.timedelta(2)},
    )
    assert stay.last_day == day + datetime.timedelta(2)


def test_a_stay_cannot_run_past_the_project_end(social_worker, project):
    with pytest.raises(ValidationError):
        services.add_activity(
            by=social_worker,
            project=project,
            data={"kind": "stay", "date": END, "end_date": END + datetime.timedelta(2)},
        )


def test_a_session_keeps_no_end_date(social_worker, project):
    day = datetime.date(2026, 4, 10)
    session = services.add_activity(
        by=social_worker,
        project=project,
        data={"kind": "session", "date": day, "end_date": day + datetime.timedelta(2)},
    )
    assert session.end_date is None


def test_attendance_records_people_and_counts(social_worker, activity, person, other_person):
    services.record_attendance(
        by=social_worker,
        activity=activity,
        listed=[person, other_person],
        attended=[person],
        counts={("15-17", "m"): 4, ("18-21", "f"): 2},
    )
    assert Participation.objects.filter(activity=activity, person=person, attended=True).exists()
    # Listed but unticked and never registered: not added.
    assert not Participation.objects.filter(person=other_person).exists()
    assert sum(AnonymousParticipants.objects.values_list("count", flat=True)) == 6
    event = AuditEvent.objects.get(action="attendance.recorded")
    assert set(event.fields) == {"participants", "anonymous_counts"}


def test_unticking_someone_keeps_them_registered_as_absent(social_worker, activity, person):
    counts = {}
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person], attended=[person], counts=counts
    )
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person], attended=[], counts=counts
    )
    assert Participation.objects.get(person=person).attended is False


def test_the_same_person_twice_is_recorded_once(social_worker, activity, person):
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person, person], attended=[person], counts={}
    )
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person], attended=[person], counts={}
    )
    assert Participation.objects.filter(activity=activity, person=person).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            organisation=activity.organisation, activity=activity, person=person
        )


def test_a_person_the_user_cannot_see_is_refused(social_worker, activity, hidden_person):
    with pytest.raises(PermissionDenied):
        services.record_attendance(
            by=social_worker,
            activity=activity,
            listed=[hidden_person],
            attended=[hidden_person],
            counts={},
        )
    assert not Participation.objects.exists()


@pytest.mark.parametrize("count", [-1, 501, 10**9])
def test_absurd_counts_are_refused_and_nothing_is_written(social_worker, activity, person, count):
    with pytest.raises(ValidationError):
        services.record_attendance(
            by=social_worker,
            activity=activity,
            listed=[person],
            attended=[person],
            counts={("15-17", "m"): 3, ("18-21", "f"): count},
        )
    assert not Participation.objects.exists()
    assert not AnonymousParticipants.objects.exists()


def test_the_database_refuses_a_negative_count(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnonymousParticipants.objects.create(
            organisation=activity.organisation,
            activity=activity,
            age_band="15-17",
            gender="m",
            count=-3,
        )
