import datetime

import pytest
from django.urls import reverse

from lien.audit.models import AuditEvent
from lien.projects import services
from lien.projects.models import (
    Activity,
    AnonymousParticipants,
    CollectiveProject,
    Participation,
)
from tests.projects.conftest import START

pytestmark = pytest.mark.django_db


def project_data(**overrides):
    return {
        "title": "Foot du mercredi",
        "goals": "Se retrouver",
        "public": "Jeunes de 15 à 25 ans",
        "status": "running",
        "starts_on": "2026-03-04",
        "ends_on": "2026-06-24",
        **overrides,
    }


# The list.


def test_the_list_shows_my_teams_projects_to_a_volunteer(client, volunteer, project):
    client.force_login(volunteer)
    response = client.get(reverse("projects:project_list"))
    assert response.status_code == 200
    assert "Foot du mercredi" in response.content.decode()


def test_the_list_filters_by_status(client, social_worker, project):
    client.force_login(social_worker)
    response = client.get(reverse("projects:project_list"), {"status": "finished"})
    assert "Foot du mercredi" not in response.content.decode()
    response = client.get(reverse("projects:project_list"), {"status": "<script>"})
    assert "Foot du mercredi" in response.content.decode()


def test_the_list_hides_other_teams_projects(client, make_user, organisation, project):
    from lien.accounts.models import Role
    from tests.factories import TeamFactory

    outsider = make_user(
        Role.SOCIAL_WORKER,
        organisation=organisation,
        teams=[TeamFactory(organisation=organisation)],
    )
    client.force_login(outsider)
    assert "Foot du mercredi" not in client.get(reverse("projects:project_list")).content.decode()
    url = reverse("projects:project_detail", args=[project.public_id])
    assert client.get(url).status_code == 404


def test_the_list_is_refused_to_a_house_manager(client, house_manager, project):
    client.force_login(house_manager)
    assert client.get(reverse("projects:project_list")).status_code == 403


def test_the_list_query_count_does_not_grow(
    client, social_worker, team, django_assert_max_num_queries
):
    client.force_login(social_worker)
    url = reverse("projects:project_list")
    for n in range(3):
        services.create_project(
            by=social_worker, team=team, data={"title": f"P{n}", "starts_on": START}
        )
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(30):
        services.create_project(
            by=social_worker, team=team, data={"title": f"Q{n}", "starts_on": START}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Create and edit.


def test_a_social_worker_creates_a_project(client, social_worker, team):
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("projects:project_create"))
    assert "Young people aged 15 to 25" in response.content.decode()
    response = client.post(
        reverse("projects:project_create"), project_data(team=str(team.public_id))
    )
    project = CollectiveProject.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:project_detail", args=[project.public_id])
    assert project.organisation_id == social_worker.organisation_id


def test_a_volunteer_cannot_create_a_project(client, volunteer, team):
    client.force_login(volunteer)
    response = client.post(
        reverse("projects:project_create"), project_data(team=str(team.public_id))
    )
    assert response.status_code == 403
    assert not CollectiveProject.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"ends_on": "2026-01-01"},
        {"starts_on": "9999-01-01", "ends_on": ""},
        {"title": "x" * 100_000},
        {"goals": "x" * 100_000},
        {"status": "unknown"},
        {"team": "not-a-uuid"},
        {"starts_on": "yesterday"},
    ],
)
def test_bad_input_gives_a_form_error_and_writes_nothing(client, social_worker, team, overrides):
    client.force_login(social_worker)
    data = project_data(team=str(team.public_id))
    data.update(overrides)
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not CollectiveProject.objects.exists()


def test_script_is_shown_as_text(client, social_worker, team):
    client.force_login(social_worker)
    client.post(
        reverse("projects:project_create"),
        project_data(team=str(team.public_id), title="<script>alert(1)</script>"),
    )
    project = CollectiveProject.objects.get()
    page = client.get(reverse("projects:project_detail", args=[project.public_id])).content
    assert b"<script>alert(1)" not in page
    assert b"&lt;script&gt;alert(1)" in page


def test_editing_a_stale_version_answers_409_with_both_versions(client, social_worker, project):
    services.update_project(
        by=social_worker, project=project, version=1, data={"title": "Basket"}, partners=[]
    )
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:project_edit", args=[project.public_id]),
        project_data(title="Foot", version=1),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Basket" in body and 'value="Foot"' in body
    assert CollectiveProject.objects.get(pk=project.pk).title == "Basket"


def test_double_submit_of_an_edit_is_a_conflict_not_a_lost_change(client, social_worker, project):
    client.force_login(social_worker)
    url = reverse("projects:project_edit", args=[project.public_id])
    assert client.post(url, project_data(title="Un", version=1)).status_code == 302
    assert client.post(url, project_data(title="Deux", version=1)).status_code == 409
    assert CollectiveProject.objects.get(pk=project.pk).title == "Un"


def test_archiving_hides_the_project(client, social_worker, project):
    client.force_login(social_worker)
    response = client.post(reverse("projects:project_archive", args=[project.public_id]))
    assert response.status_code == 302
    assert CollectiveProject.objects.get().archived_at is not None
    url = reverse("projects:project_detail", args=[project.public_id])
    assert client.get(url).status_code == 404


def test_another_organisation_gets_404(client, stranger, project, activity):
    client.force_login(stranger)
    for url in (
        reverse("projects:project_detail", args=[project.public_id]),
        reverse("projects:project_edit", args=[project.public_id]),
        reverse("projects:activity_add", args=[project.public_id]),
        reverse("projects:attendance", args=[activity.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("projects:project_archive", args=[project.public_id]))
    assert response.status_code == 404
    assert CollectiveProject.objects.get().archived_at is None


def test_a_malformed_uuid_is_not_found(client, social_worker):
    client.force_login(social_worker)
    assert client.get("/projects/not-a-uuid/").status_code == 404


# Activities.


def test_adding_an_activity_leads_to_its_attendance(client, social_worker, project):
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:activity_add", args=[project.public_id]),
        {"kind": "outing", "date": "2026-04-01", "place": "Mer du Nord", "evaluation": ""},
    )
    activity = Activity.objects.get()
    assert response.url == reverse("projects:attendance", args=[activity.public_id])


@pytest.mark.parametrize(
    "overrides",
    [
        {"date": "2026-01-01"},  # before the project
        {"date": "2026-12-01"},  # after the project
        {"kind": "stay", "date": "2026-04-10", "end_date": "2026-04-09"},
        {"kind": "session", "date": "2026-04-10", "end_date": "2026-04-12"},
        {"date": "0001-01-01"},
        {"evaluation": "x" * 100_000},
    ],
)
def test_a_bad_activity_is_refused_with_a_form_error(client, social_worker, project, overrides):
    client.force_login(social_worker)
    data = {"kind": "outing", "date": "2026-04-01", "place": "", "evaluation": "", **overrides}
    response = client.post(reverse("projects:activity_add", args=[project.public_id]), data)
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_volunteer_cannot_add_an_activity(client, volunteer, project):
    client.force_login(volunteer)
    url = reverse("projects:activity_add", args=[project.public_id])
    assert client.post(url, {"kind": "outing", "date": "2026-04-01"}).status_code == 403
    assert not Activity.objects.exists()


# Attendance.


def attendance_data(*, listed=(), attended=(), **counts):
    data = {
        "listed": [str(p.public_id) for p in listed],
        "attended": [str(p.public_id) for p in attended],
    }
    data.update({f"n_{key}": value for key, value in counts.items()})
    return data


def test_recording_attendance_with_people_and_counts(
    client, social_worker, activity, person, other_person
):
    client.force_login(social_worker)
    url = reverse("projects:attendance", args=[activity.public_id])
    response = client.post(
        url,
        attendance_data(
            listed=[person, other_person], attended=[person, other_person], **{"15-17_m": "3"}
        ),
    )
    assert response.status_code == 302
    assert Participation.objects.filter(activity=activity, attended=True).count() == 2
    assert AnonymousParticipants.objects.get().count == 3
    page = client.get(reverse("projects:project_detail", args=[activity.project.public_id]))
    body = page.content.decode()
    assert "<svg" in body and "<table>" in body
    assert "Momo" not in body  # the project page holds counts, not names


def test_reading_attendance_is_audited(client, social_worker, activity, person):
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person], attended=[person], counts={}
    )
    client.force_login(social_worker)
    response = client.get(reverse("projects:attendance", args=[activity.public_id]))
    assert "Momo" in response.content.decode()
    event = AuditEvent.objects.get(action="attendance.viewed")
    assert event.actor == social_worker and event.object_id == str(activity.public_id)


def test_searching_finds_people_i_see_and_keeps_ticks(
    client, social_worker, activity, person, other_person, hidden_person
):
    client.force_login(social_worker)
    url = reverse("projects:attendance", args=[activity.public_id])
    response = client.post(
        url, {"q": "ben", "search": "1", "attended": [str(person.public_id)], "n_15-17_m": "2"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Benali" in body and "Momo" in body
    assert f'value="{person.public_id}" id="attended-{person.public_id}" checked' in body
    assert not Participation.objects.exists()  # a search saves nothing
    response = client.post(url, {"q": "Cach", "search": "1"})
    assert "Caché" not in response.content.decode()


def test_a_search_with_a_nul_character_is_refused_not_crashed(client, social_worker, activity):
    # PostgreSQL refuses NUL in text: the box says so instead of a server error.
    client.force_login(social_worker)
    url = reverse("projects:attendance", args=[activity.public_id])
    for response in (
        client.post(url, {"q": "Ben\x00ali", "search": "1"}),
        client.get(url, {"q": "Ben\x00ali"}),
    ):
        assert response.status_code == 200
        assert response.context["search"].errors["q"]
        assert 'aria-invalid="true"' in response.content.decode()


def test_a_person_i_cannot_see_posted_by_tampering_is_refused(
    client, social_worker, activity, hidden_person
):
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    url = reverse("projects:attendance", args=[activity.public_id])
    response = client.post(
        url, attendance_data(listed=[hidden_person], attended=[hidden_person], **{"15-17_m": "3"})
    )
    assert response.status_code == 200
    assert "cannot be chosen" in response.content.decode()
    assert "Caché" not in response.content.decode()
    assert not Participation.objects.exists() and not AnonymousParticipants.objects.exists()


def test_a_hidden_participant_is_counted_never_named(
    client, social_worker, activity, hidden_person, organisation
):
    Participation.objects.create(organisation=organisation, activity=activity, person=hidden_person)
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("projects:attendance", args=[activity.public_id])).content.decode()
    assert "Caché" not in body
    assert "And 1 person your teams do not follow." in body
    page = client.get(reverse("projects:project_detail", args=[activity.project.public_id]))
    assert "<td>1</td>" in page.content.decode()


@pytest.mark.parametrize("value", ["-1", "501", "1e9", "abc", "99999999999999999999"])
def test_bad_counts_are_refused(client, social_worker, activity, person, value):
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:attendance", args=[activity.public_id]),
        attendance_data(listed=[person], attended=[person], **{"15-17_m": value}),
    )
    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert not Participation.objects.exists() and not AnonymousParticipants.objects.exists()


def test_the_same_person_posted_twice_is_recorded_once(client, social_worker, activity, person):
    client.force_login(social_worker)
    url = reverse("projects:attendance", args=[activity.public_id])
    data = {"listed": [str(person.public_id)] * 2, "attended": [str(person.public_id)] * 2}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    assert Participation.objects.filter(activity=activity, person=person).count() == 1


def test_a_malformed_person_id_is_a_form_error(client, social_worker, activity):
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:attendance", args=[activity.public_id]),
        {"listed": ["not-a-uuid"], "attended": ["not-a-uuid"]},
    )
    assert response.status_code == 200
    assert not Participation.objects.exists()


def test_a_volunteer_sees_counts_but_not_attendance(
    client, volunteer, activity, person, social_worker
):
    services.record_attendance(
        by=social_worker,
        activity=activity,
        listed=[person],
        attended=[person],
        counts={("15-17", "f"): 2},
    )
    client.force_login(volunteer)
    page = client.get(reverse("projects:project_detail", args=[activity.project.public_id]))
    assert page.status_code == 200 and "<td>3</td>" in page.content.decode()
    assert client.get(reverse("projects:attendance", args=[activity.public_id])).status_code == 403


def test_the_project_page_query_count_does_not_grow(
    client, social_worker, project, person, django_assert_max_num_queries
):
    client.force_login(social_worker)
    url = reverse("projects:project_detail", args=[project.public_id])

    def add(n):
        for i in range(n):
            activity = services.add_activity(
                by=social_worker,
                project=project,
                data={"kind": "session", "date": START + datetime.timedelta(days=i % 100)},
            )
            services.record_attendance(
                by=social_worker,
                activity=activity,
                listed=[person],
                attended=[person],
                counts={("15-17", "m"): 2, ("18-21", "f"): 1},
            )

    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_attendance_query_count_does_not_grow(
    client, social_worker, activity, team, django_assert_max_num_queries
):
    from lien.people import services as people_services

    client.force_login(social_worker)
    url = reverse("projects:attendance", args=[activity.public_id])

    def add(n):
        people = [
            people_services.create_person(
                by=social_worker, team=team, data={"nickname": f"P{len(str(n))}{i}", "niss": ""}
            )
            for i in range(n)
        ]
        services.record_attendance(
            by=social_worker, activity=activity, listed=people, attended=people, counts={}
        )

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# The person file.


def test_the_person_file_lists_their_projects(client, social_worker, activity, person):
    services.record_attendance(
        by=social_worker, activity=activity, listed=[person], attended=[person], counts={}
    )
    client.force_login(social_worker)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Foot du mercredi" in body and "came 1 time" in body


# Editing an activity (its evaluation is written afterwards).


def activity_data(**overrides):
    return {"kind": "session", "date": "2026-03-11", "place": "Parc", "evaluation": "", **overrides}


def test_the_evaluation_is_written_afterwards(client, social_worker, activity):
    client.force_login(social_worker)
    url = reverse("projects:activity_edit", args=[activity.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, activity_data(evaluation="Bonne ambiance", version=1))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.evaluation == "Bonne ambiance" and activity.version == 2
    assert AuditEvent.objects.get(action="activity.changed").fields == ["evaluation"]


def test_a_stale_activity_edit_answers_409_with_both_versions(client, social_worker, activity):
    services.update_activity(
        by=social_worker, activity=activity, version=1, data={"evaluation": "Première"}
    )
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:activity_edit", args=[activity.public_id]),
        activity_data(evaluation="Seconde", version=1),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Première" in body and "Seconde" in body
    assert Activity.objects.get(pk=activity.pk).evaluation == "Première"


def test_moving_an_activity_outside_the_project_is_refused(client, social_worker, activity):
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:activity_edit", args=[activity.public_id]),
        activity_data(date="2027-01-01", version=1),
    )
    assert response.status_code == 200
    assert Activity.objects.get(pk=activity.pk).date == datetime.date(2026, 3, 11)


def test_a_volunteer_or_a_stranger_cannot_edit_an_activity(client, volunteer, stranger, activity):
    url = reverse("projects:activity_edit", args=[activity.public_id])
    client.force_login(volunteer)
    assert client.post(url, activity_data(evaluation="x", version=1)).status_code == 403
    client.force_login(stranger)
    assert client.post(url, activity_data(evaluation="x", version=1)).status_code == 404
    assert Activity.objects.get(pk=activity.pk).evaluation == ""
