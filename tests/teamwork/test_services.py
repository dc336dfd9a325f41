import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lien.accounts.models import Role
from lien.audit.models import AuditEvent
from lien.core.versioning import EditConflict
from lien.partners.models import Partner
from lien.teamwork import services
from lien.teamwork.models import ActionItem, DailyReport, LiaisonMessage, TeamMeeting


def test_a_meeting_is_recorded_with_its_decisions_and_audited_without_values(meeting, coordinator):
    assert meeting.organisation_id == coordinator.organisation_id
    assert [d.text for d in meeting.decisions.all()] == ["Visite mardi"]
    assert meeting.attendees.count() == 2
    event = AuditEvent.objects.get(action="meeting.created")
    assert set(event.fields) >= {"held_on", "agenda", "minutes", "attendees"}
    assert "Momo" not in str(event.fields)
    assert AuditEvent.objects.filter(action="decision.added").count() == 1


def test_the_minutes_are_encrypted_at_rest(meeting):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT minutes FROM teamwork_teammeeting WHERE id = %s", [meeting.pk])
        (stored,) = cursor.fetchone()
    assert "Momo" not in stored
    assert TeamMeeting.objects.get(pk=meeting.pk).minutes == "Momo va mieux"


def test_a_stale_edit_of_a_meeting_raises_a_conflict_and_changes_nothing(meeting, coordinator):
    services.update_meeting(
        by=coordinator,
        meeting=meeting,
        version=1,
        data={"held_on": meeting.held_on, "minutes": "First"},
        attendees=[coordinator],
    )
    with pytest.raises(EditConflict):
        services.update_meeting(
            by=coordinator,
            meeting=TeamMeeting.objects.get(pk=meeting.pk),
            version=1,
            data={"held_on": meeting.held_on, "minutes": "Second"},
            attendees=[coordinator],
        )
    assert TeamMeeting.objects.get(pk=meeting.pk).minutes == "First"


def test_an_attendee_of_another_organisation_is_refused(
    coordinator, team, make_user, other_organisation
):
    outsider = make_user(Role.SOCIAL_WORKER, organisation=other_organisation)
    with pytest.raises(PermissionDenied):
        services.create_meeting(
            by=coordinator,
            team=team,
            data={"held_on": datetime.date(2026, 1, 6)},
            attendees=[outsider],
        )
    assert not TeamMeeting.objects.exists()


def test_marking_an_action_item_done_twice_records_it_once(meeting, coordinator, social_worker):
    item = services.add_action_item(
        by=coordinator, meeting=meeting, text="Appeler le CPAS", assignee=social_worker
    )
    services.mark_action_done(by=social_worker, item=item)
    services.mark_action_done(by=social_worker, item=ActionItem.objects.get(pk=item.pk))
    item.refresh_from_db()
    assert item.done_by == social_worker and item.done_at is not None
    assert AuditEvent.objects.filter(action="action_item.done").count() == 1


def test_an_action_item_for_a_deactivated_user_is_refused(
    meeting, coordinator, make_user, organisation
):
    gone = make_user(Role.SOCIAL_WORKER, organisation=organisation, is_active=False)
    with pytest.raises(ValidationError):
        services.add_action_item(by=coordinator, meeting=meeting, text="X", assignee=gone)
    assert not ActionItem.objects.exists()


def test_a_second_report_for_the_same_day_points_to_the_first(social_worker, team, organisation):
    day = datetime.date(2026, 1, 6)
    partner = Partner.objects.create(organisation=organisation, name="CPAS")
    first = services.create_daily_report(
        by=social_worker, team=team, day=day, handover="Calme", partners=[partner]
    )
    with pytest.raises(services.ReportExists) as exc:
        services.create_daily_report(
            by=social_worker, team=team, day=day, handover="Autre", partners=[]
        )
    assert exc.value.existing == first
    assert DailyReport.objects.count() == 1


def test_a_partner_of_another_organisation_cannot_be_met_in_a_report(
    social_worker, team, other_organisation
):
    foreign = Partner.objects.create(organisation=other_organisation, name="Ailleurs")
    with pytest.raises(PermissionDenied):
        services.create_daily_report(
            by=social_worker,
            team=team,
            day=datetime.date(2026, 1, 6),
            handover="",
            partners=[foreign],
        )
    assert not DailyReport.objects.exists()


def test_a_double_posted_liaison_message_is_kept_once(house_manager, team):
    first = services.post_liaison_message(by=house_manager, team=team, text="Fuite d'eau")
    again = services.post_liaison_message(by=house_manager, team=team, text="Fuite d'eau")
    assert first == again
    assert LiaisonMessage.objects.count() == 1
    with pytest.raises(ValidationError):
        services.post_liaison_message(by=house_manager, team=team, text="x" * 100_000)
    assert LiaisonMessage.objects.count() == 1
