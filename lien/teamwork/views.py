"""Team work pages: meetings, action items, daily reports and the liaison board."""

import datetime
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team, User
from lien.core.dates import EARLIEST
from lien.core.versioning import EditConflict, keep_typed_values
from lien.partners.models import Partner
from lien.teamwork import services
from lien.teamwork.forms import (
    ActionItemForm,
    DailyReportForm,
    DecisionForm,
    LiaisonMessageForm,
    MeetingForm,
)
from lien.teamwork.models import ActionItem, DailyReport, LiaisonMessage, TeamMeeting

PAGE_SIZE = 20
MESSAGES_PAGE_SIZE = 30


def _team_or_404(request: HttpRequest, public_id: UUID) -> Team:
    return policy.get_or_404(
        policy.teamwork_teams(request.user, Team.objects.all()), public_id=public_id
    )


def _meeting_or_404(request: HttpRequest, public_id: UUID) -> TeamMeeting:
    return policy.get_or_404(
        TeamMeeting.objects.visible_to(request.user).active().select_related("team"),
        public_id=public_id,
    )


def _report_or_404(request: HttpRequest, public_id: UUID) -> DailyReport:
    return policy.get_or_404(
        DailyReport.objects.visible_to(request.user).select_related("team", "author"),
        public_id=public_id,
    )


def _attendees(request: HttpRequest, team: Team, meeting: TeamMeeting | None = None):
    already = meeting.attendees.values("pk") if meeting else ()
    return policy.meeting_attendees(request.user, team, User.objects.all(), already=already)


def _partners(request: HttpRequest, report: DailyReport | None = None):
    from django.db.models import Q

    partners = Partner.objects.visible_to(request.user)
    already = report.partners_met.values("pk") if report else []
    return partners.filter(Q(archived_at__isnull=True) | Q(pk__in=already)).order_by("name")


@policy.require(Perm.USE_LIAISON)
def home(request: HttpRequest) -> HttpResponse:
    teams = policy.teamwork_teams(request.user, Team.objects.all()).active().order_by("name")
    return render(
        request,
        "teamwork/home.html",
        {"teams": teams, "can_view": policy.has_perm(request.user, Perm.VIEW_TEAMWORK)},
    )


# Meetings.


@policy.require(Perm.VIEW_TEAMWORK)
def meeting_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    meetings = (
        TeamMeeting.objects.visible_to(request.user)
        .active()
        .filter(team=team)
        .annotate(
            decision_count=Count("decisions", distinct=True),
            action_count=Count("action_items", distinct=True),
        )
        .order_by("-held_on", "-started_at", "-pk")
        .defer("minutes", "agenda")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "teamwork/meeting_list.html",
        {
            "team": team,
            "page": page,
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_MEETINGS),
        },
    )


@policy.require(Perm.MANAGE_MEETINGS)
def meeting_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    initial = {"held_on": timezone.localdate(), "attendees": [request.user.public_id]}
    form = MeetingForm(request.POST or None, initial=initial, attendees=_attendees(request, team))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                by=request.user,
                team=team,
                data=form.service_data(),
                attendees=form.cleaned_data["attendees"],
                decisions=form.cleaned_data["decisions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("teamwork:meeting_detail", meeting.public_id)
    return render(request, "teamwork/meeting_form.html", {"form": form, "team": team, "new": True})


@policy.require(Perm.VIEW_TEAMWORK)
def meeting_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    meeting = policy.get_or_404(
        TeamMeeting.objects.visible_to(request.user)
        .active()
        .select_related("team", "created_by")
        .prefetch_related(
            Prefetch("attendees", queryset=User.objects.order_by("full_name")),
            "decisions",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("assignee", "done_by"),
            ),
        ),
        public_id=public_id,
    )
    services.record_meeting_read(by=request.user, meeting=meeting)
    return render(
        request,
        "teamwork/meeting_detail.html",
        {
            "meeting": meeting,
            "team": meeting.team,
            "today": timezone.localdate(),
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_MEETINGS),
        },
    )


@policy.require(Perm.MANAGE_MEETINGS)
def meeting_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    form = MeetingForm(
        request.POST or None, instance=meeting, attendees=_attendees(request, meeting.team, meeting)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                by=request.user,
                meeting=TeamMeeting.objects.get(pk=meeting.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
                attendees=form.cleaned_data["attendees"],
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("teamwork:meeting_detail", meeting.public_id)
    # The form shows the minutes: a read.
    services.record_meeting_read(by=request.user, meeting=meeting)
    return render(
        request,
        "teamwork/meeting_form.html",
        {"form": form, "team": meeting.team, "meeting": meeting, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_MEETINGS)
def meeting_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    services.archive_meeting(by=request.user, meeting=meeting)
    messages.success(request, _("Meeting archived."))
    return redirect("teamwork:meeting_list", meeting.team.public_id)


@policy.require(Perm.MANAGE_MEETINGS)
def decision_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_decision(by=request.user, meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Decision added."))
            return redirect("teamwork:meeting_detail", meeting.public_id)
    return render(
        request,
        "teamwork/small_form.html",
        {"form": form, "meeting": meeting, "heading": _("New decision")},
    )


@policy.require(Perm.MANAGE_MEETINGS)
def action_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    form = ActionItemForm(
        request.POST or None,
        assignees=policy.action_assignees(request.user, User.objects.all()),
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action_item(
                by=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                assignee=form.cleaned_data["assignee"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action item added."))
            return redirect("teamwork:meeting_detail", meeting.public_id)
    return render(
        request,
        "teamwork/small_form.html",
        {"form": form, "meeting": meeting, "heading": _("New action item")},
    )


@require_POST
@policy.require(Perm.VIEW_TEAMWORK)
def action_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = policy.get_or_404(
        ActionItem.objects.visible_to(request.user).select_related("meeting"), public_id=public_id
    )
    if item.is_done:
        messages.info(request, _("This action item was already done."))
    else:
        services.mark_action_done(by=request.user, item=item)
        messages.success(request, _("Action item marked done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("teamwork:meeting_detail", args=[item.meeting.public_id])
    return redirect(target)


# Daily reports.


@policy.require(Perm.VIEW_TEAMWORK)
def report_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    reports = (
        DailyReport.objects.visible_to(request.user)
        .filter(team=team)
        .select_related("author")
        .annotate(partner_count=Count("partners_met"))
        .defer("handover")
        .order_by("-day", "-pk")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "teamwork/report_list.html",
        {
            "team": team,
            "page": page,
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_MEETINGS),
        },
    )


def _day_asked(raw: str) -> datetime.date:
    """?day=YYYY-MM-DD if it reads and is not in the future; else today."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(raw) if len(raw) == 10 else today
    except ValueError:
        return today
    return day if EARLIEST <= day <= today else today


def _render_report_form(request, *, form, team, report=None, conflict=None, status=200):
    return render(
        request,
        "teamwork/report_form.html",
        {"form": form, "team": team, "report": report, "conflict": conflict},
        status=status,
    )


@policy.require(Perm.MANAGE_MEETINGS)
def report_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    if request.method == "GET":
        # The day's report already written: open it rather than start a second one.
        day = _day_asked(request.GET.get("day", ""))
        existing = DailyReport.objects.filter(team=team, day=day).first()
        if existing is not None:
            return redirect("teamwork:report_edit", existing.public_id)
        form = DailyReportForm(initial={"day": day}, partners=_partners(request))
        return _render_report_form(request, form=form, team=team)
    form = DailyReportForm(request.POST, partners=_partners(request))
    if form.is_valid():
        try:
            report = services.create_daily_report(
                by=request.user,
                team=team,
                day=form.cleaned_data["day"],
                handover=form.cleaned_data["handover"],
                partners=form.cleaned_data["partners_met"],
            )
        except services.ReportExists as exc:
            # Open the existing report with what was typed: nothing is lost, nothing fails.
            existing = exc.existing
            data = request.POST.copy()
            data["version"] = existing.version
            form = DailyReportForm(
                data,
                # A copy: validating the form writes the typed values on its instance.
                instance=DailyReport.objects.get(pk=existing.pk),
                partners=_partners(request, existing),
            )
            form.is_valid()
            messages.info(
                request,
                _(
                    "The team already has a report for this day: it is open for editing with "
                    "your text; the saved version is shown beside it."
                ),
            )
            services.record_report_read(by=request.user, report=existing)
            return _render_report_form(
                request, form=form, team=team, report=existing, conflict=existing
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Daily report saved."))
            return redirect("teamwork:report_detail", report.public_id)
    return _render_report_form(request, form=form, team=team)


@policy.require(Perm.VIEW_TEAMWORK)
def report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = _report_or_404(request, public_id)
    partners = report.partners_met.order_by("name")
    services.record_report_read(by=request.user, report=report)
    return render(
        request,
        "teamwork/report_detail.html",
        {
            "report": report,
            "team": report.team,
            "partners": partners,
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_MEETINGS),
        },
    )


@policy.require(Perm.MANAGE_MEETINGS)
def report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = _report_or_404(request, public_id)
    form = DailyReportForm(
        request.POST or None, instance=report, partners=_partners(request, report)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_daily_report(
                by=request.user,
                report=DailyReport.objects.get(pk=report.pk),
                version=form.cleaned_data["version"] or 0,
                handover=form.cleaned_data["handover"],
                partners=form.cleaned_data["partners_met"],
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("teamwork:report_detail", report.public_id)
    services.record_report_read(by=request.user, report=report)
    return _render_report_form(
        request,
        form=form,
        team=report.team,
        report=report,
        conflict=conflict,
        status=409 if conflict else 200,
    )


# The liaison board.


@policy.require(Perm.USE_LIAISON)
def liaison(request: HttpRequest, public_id: UUID) -> HttpResponse:
    team = _team_or_404(request, public_id)
    form = LiaisonMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_liaison_message(
                by=request.user, team=team, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Message posted."))
            return redirect("teamwork:liaison", team.public_id)
    board = (
        LiaisonMessage.objects.visible_to(request.user)
        .filter(team=team)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(board, MESSAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    services.record_liaison_read(by=request.user, team=team)
    return render(
        request,
        "teamwork/liaison.html",
        {"team": team, "form": form, "page": page},
        status=200,
    )
