"""Writes for team work: in a transaction, audited (field names only, never values)."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lien.accounts.models import Team, User
from lien.audit.changes import apply_changes, related_text
from lien.audit.services import record
from lien.core.versioning import claim_version
from lien.partners.models import Partner
from lien.teamwork.models import (
    AGENDA_MAX_LENGTH,
    HANDOVER_MAX_LENGTH,
    LINE_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    MINUTES_MAX_LENGTH,
    ActionItem,
    DailyReport,
    Decision,
    LiaisonMessage,
    TeamMeeting,
)

MEETING_FIELDS = ("held_on", "started_at", "agenda", "minutes")
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=1)


class ReportExists(Exception):
    """The team already has a report for that day: edit it instead."""

    def __init__(self, existing: DailyReport):
        super().__init__("a report exists for this team and day")
        self.existing = existing


def _same_organisation(by: User, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != by.organisation_id:
            raise PermissionDenied("record of another organisation")


def _check_length(value: str, limit: int) -> None:
    if len(value or "") > limit:
        raise ValidationError(_("This text is too long."))


def _check_meeting(data: dict, attendees: list[User], team: Team) -> None:
    _check_length(data.get("agenda", ""), AGENDA_MAX_LENGTH)
    _check_length(data.get("minutes", ""), MINUTES_MAX_LENGTH)
    if data.get("held_on") is None:
        raise ValidationError(_("Give the date of the meeting."))


def create_meeting(
    *,
    by: User,
    team: Team,
    data: dict,
    attendees: Iterable[User],
    decisions: Iterable[str] = (),
) -> TeamMeeting:
    attendees = list(attendees)
    _same_organisation(by, team, *attendees)
    decisions = [text.strip() for text in decisions if text.strip()]
    _check_meeting(data, attendees, team)
    for text in decisions:
        _check_length(text, LINE_MAX_LENGTH)
    with transaction.atomic():
        meeting = TeamMeeting(organisation_id=by.organisation_id, team=team, created_by=by)
        for field in MEETING_FIELDS:
            if field in data:
                setattr(meeting, field, data[field])
        meeting.save()
        meeting.attendees.set(attendees)
        filled = [f for f in MEETING_FIELDS if data.get(f)] + (["attendees"] if attendees else [])
        record(action="meeting.created", actor=by, obj=meeting, fields=filled)
        for text in decisions:
            _add_decision(by=by, meeting=meeting, text=text)
    return meeting


def update_meeting(
    *, by: User, meeting: TeamMeeting, version: int, data: dict, attendees: Iterable[User]
) -> TeamMeeting:
    attendees = list(attendees)
    _same_organisation(by, meeting, *attendees)
    _check_meeting(data, attendees, meeting.team)
    with transaction.atomic():
        claim_version(meeting, expected=version)
        changed, previous = apply_changes(meeting, data, MEETING_FIELDS)
        meeting.save()
        before = list(meeting.attendees.all())
        if {a.pk for a in attendees} != {a.pk for a in before}:
            meeting.attendees.set(attendees)
            changed.append("attendees")
            previous["attendees"] = related_text(before)
        record(action="meeting.changed", actor=by, obj=meeting, fields=changed, previous=previous)
    return meeting


def archive_meeting(*, by: User, meeting: TeamMeeting) -> TeamMeeting:
    """Hide a meeting (recorded by mistake, or twice); nothing is deleted. Bumps the version,
    so a form opened before does not bring it back silently."""
    _same_organisation(by, meeting)
    with transaction.atomic():
        updated = TeamMeeting.objects.filter(pk=meeting.pk, archived_at__isnull=True).update(
            archived_at=timezone.now(), version=F("version") + 1
        )
        if updated:
            record(action="meeting.archived", actor=by, obj=meeting, fields=["archived_at"])
        meeting.refresh_from_db(fields=["archived_at", "version"])
    return meeting


def record_meeting_read(*, by: User, meeting: TeamMeeting) -> None:
    # Minutes may name people: every read of them is in the trail.
    record(action="meeting.viewed", actor=by, obj=meeting)


def _add_decision(*, by: User, meeting: TeamMeeting, text: str) -> Decision:
    decision = Decision.objects.create(
        organisation_id=meeting.organisation_id, meeting=meeting, text=text, created_by=by
    )
    record(action="decision.added", actor=by, obj=decision, fields=["text"])
    return decision


def add_decision(*, by: User, meeting: TeamMeeting, text: str) -> Decision:
    _same_organisation(by, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the decision."))
    _check_length(text, LINE_MAX_LENGTH)
    with transaction.atomic():
        return _add_decision(by=by, meeting=meeting, text=text)


def add_action_item(
    *,
    by: User,
    meeting: TeamMeeting,
    text: str,
    assignee: User,
    due_on: datetime.date | None = None,
) -> ActionItem:
    _same_organisation(by, meeting, assignee)
    if not assignee.is_active:
        raise ValidationError(_("This person's account is deactivated."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Say what is to be done."))
    _check_length(text, LINE_MAX_LENGTH)
    with transaction.atomic():
        item = ActionItem.objects.create(
            organisation_id=meeting.organisation_id,
            meeting=meeting,
            text=text,
            assignee=assignee,
            due_on=due_on,
            created_by=by,
        )
        filled = ["text", "assignee"] + (["due_on"] if due_on else [])
        record(action="action_item.added", actor=by, obj=item, fields=filled)
    return item


def mark_action_done(*, by: User, item: ActionItem) -> ActionItem:
    """Mark done once; a second click (double submit) changes nothing."""
    _same_organisation(by, item)
    with transaction.atomic():
        now = timezone.now()
        updated = ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
            done_at=now, done_by=by
        )
        if updated:
            record(action="action_item.done", actor=by, obj=item, fields=["done_at", "done_by"])
        item.refresh_from_db(fields=["done_at", "done_by"])
    return item


# Daily reports.


def _check_report(*, by: User, team: Team, handover: str, partners: list[Partner]) -> None:
    _same_organisation(by, team, *partners)
    _check_length(handover, HANDOVER_MAX_LENGTH)


def create_daily_report(
    *, by: User, team: Team, day: datetime.date, handover: str, partners: Iterable[Partner]
) -> DailyReport:
    """Raises ReportExists when the team already has one for `day`."""
    partners = list(partners)
    _check_report(by=by, team=team, handover=handover, partners=partners)
    existing = DailyReport.objects.filter(team=team, day=day).first()
    if existing is not None:
        raise ReportExists(existing)
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                organisation_id=by.organisation_id,
                team=team,
                day=day,
                handover=handover,
                author=by,
            )
            report.partners_met.set(partners)
            filled = (
                ["day"]
                + (["handover"] if handover else [])
                + (["partners_met"] if partners else [])
            )
            record(action="daily_report.created", actor=by, obj=report, fields=filled)
    except IntegrityError:
        # A colleague saved the same day a moment ago.
        raise ReportExists(DailyReport.objects.get(team=team, day=day)) from None
    return report


def update_daily_report(
    *, by: User, report: DailyReport, version: int, handover: str, partners: Iterable[Partner]
) -> DailyReport:
    partners = list(partners)
    _check_report(by=by, team=report.team, handover=handover, partners=partners)
    with transaction.atomic():
        claim_version(report, expected=version)
        changed, previous = apply_changes(report, {"handover": handover}, ("handover",))
        report.save()
        before = list(report.partners_met.all())
        if {p.pk for p in partners} != {p.pk for p in before}:
            report.partners_met.set(partners)
            changed.append("partners_met")
            previous["partners_met"] = related_text(before)
        record(
            action="daily_report.changed", actor=by, obj=report, fields=changed, previous=previous
        )
    return report


def record_report_read(*, by: User, report: DailyReport) -> None:
    record(action="daily_report.viewed", actor=by, obj=report)


# Liaison board.


def post_liaison_message(*, by: User, team: Team, text: str) -> LiaisonMessage:
    _same_organisation(by, team)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."))
    _check_length(text, MESSAGE_MAX_LENGTH)
    # A double submit (a tap twice on a slow phone) posts once.
    latest = (
        LiaisonMessage.objects.filter(
            team=team, author=by, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is not None and latest.text == text:
        return latest
    with transaction.atomic():
        message = LiaisonMessage.objects.create(
            organisation_id=by.organisation_id, team=team, author=by, text=text
        )
        record(action="liaison.posted", actor=by, obj=message, fields=["text"])
    return message


def record_liaison_read(*, by: User, team: Team) -> None:
    record(action="liaison.viewed", actor=by, obj=team)
