import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.partners.models import Partner
from lien.teamwork import services
from lien.teamwork.models import ActionItem, DailyReport, LiaisonMessage, TeamMeeting
from tests.factories import TeamFactory


def _meeting_data(**extra):
    return {"held_on": "2026-01-06", "started_at": "09:30", "agenda": "", "minutes": ""} | extra


# Meetings: three actors.


def test_a_coordinator_records_a_meeting_with_decisions(client, coordinator, social_worker, team):
    client.force_login(coordinator)
    response = client.post(
        reverse("teamwork:meeting_create", args=[team.public_id]),
        _meeting_data(
            minutes="Momo",
            decisions="Visite mardi\n\nAppeler le CPAS",
            attendees=[
                str(coordinator.public_id),
                str(social_worker.public_id),
            ],
        ),
    )
    meeting = TeamMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("teamwork:meeting_detail", args=[meeting.public_id])
    assert [d.text for d in meeting.decisions.all()] == ["Visite mardi", "Appeler le CPAS"]
    assert set(meeting.attendees.all()) == {coordinator, social_worker}


def test_a_house_manager_may_not_read_meetings(client, house_manager, meeting):
    client.force_login(house_manager)
    assert (
        client.get(reverse("teamwork:meeting_detail", args=[meeting.public_id])).status_code == 403
    )
    assert (
        client.get(reverse("teamwork:meeting_list", args=[meeting.team.public_id])).status_code
        == 403
    )


def test_another_organisation_gets_404_on_meetings(client, stranger, meeting):
    client.force_login(stranger)
    for name, key in [
        ("teamwork:meeting_detail", meeting.public_id),
        ("teamwork:meeting_edit", meeting.public_id),
        ("teamwork:meeting_list", meeting.team.public_id),
        ("teamwork:liaison", meeting.team.public_id),
    ]:
        assert client.get(reverse(name, args=[key])).status_code == 404, name


def test_a_social_worker_of_another_team_gets_404(client, make_user, organisation, meeting):
    elsewhere = TeamFactory(organisation=organisation, name="Autre")
    other = make_user(Role.SOCIAL_WORKER, organisation=organisation, teams=[elsewhere])
    client.force_login(other)
    assert (
        client.get(reverse("teamwork:meeting_detail", args=[meeting.public_id])).status_code == 404
    )
    assert (
        client.get(reverse("teamwork:meeting_list", args=[meeting.team.public_id])).status_code
        == 404
    )


def test_reading_the_minutes_is_audited(client, social_worker, meeting):
    client.force_login(social_worker)
    response = client.get(reverse("teamwork:meeting_detail", args=[meeting.public_id]))
    assert response.status_code == 200
    assert "Momo va mieux" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="meeting.viewed", actor=social_worker, object_id=str(meeting.public_id)
    ).exists()


def test_a_stale_meeting_edit_answers_409_with_both_versions(client, coordinator, meeting):
    services.update_meeting(
        by=coordinator,
        meeting=meeting,
        version=1,
        data={"held_on": meeting.held_on, "minutes": "SAVED-BY-A-COLLEAGUE"},
        attendees=[coordinator],
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("teamwork:meeting_edit", args=[meeting.public_id]),
        _meeting_data(minutes="MY-TYPED-TEXT", version=1),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "SAVED-BY-A-COLLEAGUE" in page and "MY-TYPED-TEXT" in page
    assert TeamMeeting.objects.get(pk=meeting.pk).minutes == "SAVED-BY-A-COLLEAGUE"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"held_on": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()}, "held_on"),
        ({"held_on": "0001-01-01"}, "held_on"),
        ({"held_on": "not a date"}, "held_on"),
        ({"minutes": "x" * 100_000}, "minutes"),
        ({"decisions": "y" * 1_000}, "decisions"),
        ({"attendees": [str(uuid.uuid4())]}, "attendees"),
        ({"attendees": ["not-a-uuid"]}, "attendees"),
    ],
)
def test_bad_meeting_input_is_a_form_error_and_nothing_is_written(
    client, coordinator, team, data, field
):
    client.force_login(coordinator)
    response = client.post(
        reverse("teamwork:meeting_create", args=[team.public_id]), _meeting_data(**data)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TeamMeeting.objects.exists()


def test_script_in_minutes_is_shown_as_text(client, coordinator, team):
    meeting = services.create_meeting(
        by=coordinator,
        team=team,
        data={"held_on": datetime.date(2026, 1, 6), "minutes": "<script>alert(1)</script>"},
        attendees=[],
    )
    client.force_login(coordinator)
    page = client.get(reverse("teamwork:meeting_detail", args=[meeting.public_id])).content
    assert b"<script>alert(1)</script>" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_meeting_list_costs_the_same_queries_whatever_the_number_of_meetings(
    client, coordinator, team, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("teamwork:meeting_list", args=[team.public_id])
    for n in range(3):
        services.create_meeting(
            by=coordinator, team=team, data={"held_on": datetime.date(2026, 1, 1 + n)}, attendees=[]
        )
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(30):
        meeting = services.create_meeting(
            by=coordinator,
            team=team,
            data={"held_on": datetime.date(2025, 1, 1) + datetime.timedelta(days=n)},
            attendees=[coordinator],
            decisions=["a", "b"],
        )
        services.add_action_item(by=coordinator, meeting=meeting, text="x", assignee=coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20


def test_the_meeting_page_costs_the_same_queries_whatever_its_items(
    client, coordinator, meeting, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("teamwork:meeting_detail", args=[meeting.public_id])
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for n in range(15):
        services.add_action_item(
            by=coordinator, meeting=meeting, text=f"t{n}", assignee=coordinator
        )
        services.add_decision(by=coordinator, meeting=meeting, text=f"d{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Action items.


def test_an_action_item_is_added_and_marked_done_by_its_assignee(
    client, coordinator, social_worker, meeting
):
    client.force_login(coordinator)
    response = client.post(
        reverse("teamwork:action_add", args=[meeting.public_id]),
        {
            "text": "Appeler le CPAS",
            "assignee": str(social_worker.public_id),
            "due_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    client.force_login(social_worker)
    done = reverse("teamwork:action_done", args=[item.public_id])
    assert client.post(done, {"next": reverse("web:today")}).url == reverse("web:today")
    assert client.post(done, {"next": "https://evil.example/"}).url == reverse(
        "teamwork:meeting_detail", args=[meeting.public_id]
    )  # the second click changes nothing and never leaves the site
    item.refresh_from_db()
    assert item.done_by == social_worker
    assert AuditEvent.objects.filter(action="action_item.done").count() == 1


def test_an_action_item_due_before_the_meeting_is_refused(
    client, coordinator, social_worker, meeting
):
    client.force_login(coordinator)
    response = client.post(
        reverse("teamwork:action_add", args=[meeting.public_id]),
        {"text": "X", "assignee": str(social_worker.public_id), "due_on": "2025-12-01"},
    )
    assert "due_on" in response.context["form"].errors
    assert not ActionItem.objects.exists()


def test_an_action_item_cannot_go_to_a_house_manager_or_a_stranger(
    client, coordinator, house_manager, stranger, meeting
):
    client.force_login(coordinator)
    for who in (house_manager, stranger):
        response = client.post(
            reverse("teamwork:action_add", args=[meeting.public_id]),
            {"text": "X", "assignee": str(who.public_id)},
        )
        assert "assignee" in response.context["form"].errors
    assert not ActionItem.objects.exists()


def test_a_stranger_cannot_mark_an_action_item_done(client, coordinator, stranger, meeting):
    item = services.add_action_item(by=coordinator, meeting=meeting, text="X", assignee=coordinator)
    client.force_login(stranger)
    assert client.post(reverse("teamwork:action_done", args=[item.public_id])).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


# Daily reports.


def test_a_daily_report_is_written_and_its_reading_audited(
    client, social_worker, team, organisation
):
    partner = Partner.objects.create(organisation=organisation, name="Maison médicale")
    client.force_login(social_worker)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("teamwork:report_create", args=[team.public_id]),
        {"day": today, "handover": "Calme", "partners_met": [str(partner.public_id)]},
    )
    report = DailyReport.objects.get()
    assert response.url == reverse("teamwork:report_detail", args=[report.public_id])
    assert list(report.partners_met.all()) == [partner]
    page = client.get(response.url)
    assert "Calme" in page.content.decode()
    assert AuditEvent.objects.filter(action="daily_report.viewed").exists()


def test_opening_a_second_report_for_the_same_day_opens_the_first(
    client, social_worker, coordinator, team
):
    existing = services.create_daily_report(
        by=coordinator, team=team, day=timezone.localdate(), handover="SAVED", partners=[]
    )
    client.force_login(social_worker)
    response = client.get(reverse("teamwork:report_create", args=[team.public_id]))
    assert response.url == reverse("teamwork:report_edit", args=[existing.public_id])
    # Posting a new one for that day (form opened before the colleague saved): the existing
    # report opens for editing with the typed text kept, and nothing fails.
    response = client.post(
        reverse("teamwork:report_create", args=[team.public_id]),
        {"day": timezone.localdate().isoformat(), "handover": "TYPED"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "SAVED" in page and "TYPED" in page
    assert DailyReport.objects.get().handover == "SAVED"


def test_a_report_for_a_future_day_or_with_a_foreign_partner_is_refused(
    client, social_worker, team, other_organisation
):
    foreign = Partner.objects.create(organisation=other_organisation, name="Ailleurs")
    client.force_login(social_worker)
    url = reverse("teamwork:report_create", args=[team.public_id])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "day" in client.post(url, {"day": tomorrow}).context["form"].errors
    response = client.post(url, {"day": "2026-01-06", "partners_met": [str(foreign.public_id)]})
    assert "partners_met" in response.context["form"].errors
    assert not DailyReport.objects.exists()


def test_a_stale_report_edit_answers_409(client, social_worker, coordinator, team):
    report = services.create_daily_report(
        by=coordinator, team=team, day=datetime.date(2026, 1, 6), handover="A", partners=[]
    )
    services.update_daily_report(
        by=coordinator, report=report, version=1, handover="B", partners=[]
    )
    client.force_login(social_worker)
    response = client.post(
        reverse("teamwork:report_edit", args=[report.public_id]), {"handover": "C", "version": 1}
    )
    assert response.status_code == 409
    assert DailyReport.objects.get().handover == "B"


def test_the_report_list_is_bounded(client, coordinator, team, django_assert_max_num_queries):
    client.force_login(coordinator)
    url = reverse("teamwork:report_list", args=[team.public_id])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(25):
        services.create_daily_report(
            by=coordinator,
            team=team,
            day=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            handover="x",
            partners=[],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20


# The liaison board.


def test_a_house_manager_reads_and_writes_the_liaison_board_of_their_team(
    client, house_manager, social_worker, team
):
    services.post_liaison_message(by=social_worker, team=team, text="Réunion jeudi")
    client.force_login(house_manager)
    url = reverse("teamwork:liaison", args=[team.public_id])
    response = client.post(url, {"text": "<script>x</script> fuite"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.index("fuite") < page.index("Réunion jeudi")  # newest first
    assert "<script>x</script>" not in page
    assert AuditEvent.objects.filter(action="liaison.viewed", actor=house_manager).exists()


def test_a_field_volunteer_has_no_liaison_board(client, make_user, organisation, team):
    volunteer = make_user(Role.FIELD_VOLUNTEER, organisation=organisation, teams=[team])
    client.force_login(volunteer)
    assert client.get(reverse("teamwork:liaison", args=[team.public_id])).status_code == 403


def test_an_empty_or_huge_message_is_a_form_error(client, house_manager, team):
    client.force_login(house_manager)
    url = reverse("teamwork:liaison", args=[team.public_id])
    for text in ("", "   ", "z" * 100_000):
        assert "text" in client.post(url, {"text": text}).context["form"].errors
    assert not LiaisonMessage.objects.exists()


def test_the_liaison_board_is_bounded(client, house_manager, team, django_assert_max_num_queries):
    client.force_login(house_manager)
    url = reverse("teamwork:liaison", args=[team.public_id])
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    LiaisonMessage.objects.bulk_create(
        LiaisonMessage(
            organisation=team.organisation, team=team, author=house_manager, text=f"m{n}"
        )
        for n in range(60)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 30


def test_a_malformed_uuid_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/team/not-a-uuid/meetings/").status_code == 404
    assert client.get(f"/team/meetings/{uuid.uuid4()}/").status_code == 404


def test_an_archived_meeting_leaves_the_list_and_today_but_is_kept(
    client, coordinator, social_worker, meeting
):
    services.add_action_item(by=coordinator, meeting=meeting, text="X", assignee=social_worker)
    client.force_login(coordinator)
    url = reverse("teamwork:meeting_archive", args=[meeting.public_id])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404  # a second click finds nothing to archive
    meeting.refresh_from_db()
    assert meeting.archived_at is not None
    assert AuditEvent.objects.filter(action="meeting.archived").count() == 1
    listing = client.get(reverse("teamwork:meeting_list", args=[meeting.team.public_id]))
    assert list(listing.context["page"].object_list) == []
    client.force_login(social_worker)
    assert client.get(reverse("web:today")).context["my_action_items"] == []
