"""Daily counters: a team's counts of the day (+/− on a phone), the last 30 days as a chart
and a table, and the configuration of the counters."""

import datetime
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.core.versioning import EditConflict, save_versioned
from lien.outreach import services_counters as services
from lien.outreach.forms_counters import CounterTypeForm, DayCountsForm
from lien.outreach.models import CounterType, DailyCount

HISTORY_DAYS = 30
CHART_WIDTH = 320
CHART_HEIGHT = 140
CHART_LABEL_ROOM = 18
CHART_TOP_ROOM = 12


@dataclass(frozen=True)
class DayBar:
    day: datetime.date
    total: int
    x: float
    y: float
    width: float
    height: float


def _bars(days: list[datetime.date], totals: dict) -> tuple[list[DayBar], int]:
    top = max(totals.values(), default=0) or 1
    plot = CHART_HEIGHT - CHART_LABEL_ROOM - CHART_TOP_ROOM
    slot = CHART_WIDTH / len(days)
    width = max(slot * 0.7, 1)
    base = CHART_HEIGHT - CHART_LABEL_ROOM
    bars = []
    for index, day in enumerate(days):
        total = totals.get(day, 0)
        height = plot * total / top
        bars.append(
            DayBar(
                day=day,
                total=total,
                x=round(index * slot + (slot - width) / 2, 2),
                y=round(base - height, 2),
                width=round(width, 2),
                height=round(height, 2),
            )
        )
    return bars, top


def _day_of(request) -> tuple[datetime.date, str | None]:
    today = timezone.localdate()
    raw = request.GET.get("day")
    if not raw:
        return today, None
    try:
        day = datetime.date.fromisoformat(raw)
        services.check_day(day)
    except ValueError:
        return today, _("This is not a date: today's counts are shown.")
    except ValidationError as exc:
        return today, " ".join(exc.messages)
    return day, None


def _team_asked(request, teams: list[Team]) -> Team | None:
    """The team of `?team=<public id>`, one of the user's teams; without it, their first. An id
    that is not one of theirs answers 404, whether it is another organisation's team, one of
    their organisation's they are not in, or none (a malformed id too, as in an address)."""
    raw = request.GET.get("team", "")
    if not raw:
        return teams[0] if teams else None
    try:
        wanted = UUID(raw)
    except ValueError:
        raise Http404 from None
    team = next((t for t in teams if t.public_id == wanted), None)
    if team is None:
        raise Http404
    return team


def _url(team: Team, day: datetime.date, anchor: str = "") -> str:
    query = urlencode({"team": str(team.public_id), "day": day.isoformat()})
    return reverse("outreach:counters") + "?" + query + (f"#{anchor}" if anchor else "")


@policy.require(Perm.VIEW_OUTREACH)
def counters(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = list(policy.my_teams(user, Team.objects.all()).active().order_by("name"))
    team = _team_asked(request, teams)
    day, day_error = _day_of(request)
    if team is None:
        return render(request, "outreach/counters.html", {"team": None, "teams": teams})
    counter_types = list(
        CounterType.objects.visible_to(user)
        .filter(Q(team__isnull=True) | Q(team=team))
        .order_by("position", "label_fr", "pk")
    )
    live = [c for c in counter_types if c.archived_at is None]
    can_count = bool(live) and policy.outreach_teams(user, Team.objects.filter(pk=team.pk)).exists()
    rows = {
        row.counter_id: row
        for row in DailyCount.objects.visible_to(user).filter(team=team, day=day, counter__in=live)
    }
    posted = request.method == "POST"
    if posted and (not can_count or day_error):
        messages.error(request, day_error or _("You do not count for this team."))
        return redirect(_url(team, day))
    form = DayCountsForm(request.POST or None, counters=live, rows=rows) if can_count else None
    typed = None
    if posted and form.is_valid():
        step = request.POST.get("step", "")
        try:
            services.set_counts(
                by=user, team=team, day=day, counts=form.counts(), versions=form.versions()
            )
            anchor = ""
            public_id, _sep, delta = step.partition(":")
            counter = next((c for c in live if str(c.public_id) == public_id), None)
            if counter is not None and delta in ("1", "-1"):
                services.step_count(by=user, team=team, day=day, counter=counter, delta=int(delta))
                anchor = f"counter-{counter.public_id}"
        except EditConflict:
            # Show the saved counts, and beside them what was typed (not saved).
            typed = [(c.label, value) for c, value in form.counts().items()]
            rows = {
                row.counter_id: row
                for row in DailyCount.objects.filter(team=team, day=day, counter__in=live)
            }
            form = DayCountsForm(counters=live, rows=rows)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not anchor:
                messages.success(request, _("Counts saved."))
            return redirect(_url(team, day, anchor))
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
    history = DailyCount.objects.visible_to(user).filter(
        team=team, day__gte=days[0], day__lte=today, count__gt=0
    )
    cells: dict[tuple[datetime.date, int], int] = {}
    totals: dict[datetime.date, int] = {}
    for row_day, counter_id, count in history.values_list("day", "counter_id", "count"):
        cells[(row_day, counter_id)] = count
        totals[row_day] = totals.get(row_day, 0) + count
    used = {counter_id for _day, counter_id in cells}
    columns = [c for c in counter_types if c.archived_at is None or c.pk in used]
    table = [
        (d, [cells.get((d, c.pk), 0) for c in columns], totals.get(d, 0)) for d in reversed(days)
    ]
    bars, top = _bars(days, totals)
    return render(
        request,
        "outreach/counters.html",
        {
            "team": team,
            "teams": teams,
            "day": day,
            "today": today,
            "day_error": day_error,
            "form": form,
            "can_count": can_count,
            "columns": columns,
            "table": table,
            "bars": bars,
            "top": top,
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
            "chart_base": CHART_HEIGHT - CHART_LABEL_ROOM,
            "period_total": sum(totals.values()),
            "can_manage": policy.has_perm(user, Perm.MANAGE_COUNTERS),
            "typed": typed,
        },
        status=409 if typed is not None else 200,
    )


# Configuration.


def _config_teams(request):
    return policy.teams_visible_to(request.user, Team.objects.all()).active().order_by("name")


def _counter_or_404(request, public_id: UUID) -> CounterType:
    return policy.get_or_404(
        CounterType.objects.visible_to(request.user).active().select_related("team"),
        public_id=public_id,
    )


@policy.require(Perm.MANAGE_COUNTERS)
def counter_type_list(request: HttpRequest) -> HttpResponse:
    types = list(
        CounterType.objects.visible_to(request.user)
        .select_related("team")
        .order_by("position", "label_fr", "pk")
    )
    return render(
        request,
        "outreach/counter_type_list.html",
        {
            "types": [t for t in types if t.archived_at is None],
            "archived": [t for t in types if t.archived_at is not None],
        },
    )


@policy.require(Perm.MANAGE_COUNTERS)
def counter_type_create(request: HttpRequest) -> HttpResponse:
    form = CounterTypeForm(request.POST or None, teams=_config_teams(request))
    if request.method == "POST" and form.is_valid():
        try:
            counter = services.define_counter(by=request.user, data=form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Counter “%(label)s” added.") % {"label": counter.label})
            return redirect("outreach:counter_type_list")
    return render(request, "outreach/counter_type_form.html", {"form": form, "new": True})


@policy.require(Perm.MANAGE_COUNTERS)
def counter_type_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    counter = _counter_or_404(request, public_id)
    form = CounterTypeForm(request.POST or None, instance=counter, teams=_config_teams(request))
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_counter(
            by=request.user,
            counter=CounterType.objects.get(pk=counter.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("outreach:counter_type_list")
    return render(
        request,
        "outreach/counter_type_form.html",
        {"form": form, "counter": counter, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_COUNTERS)
def counter_type_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    counter = _counter_or_404(request, public_id)
    services.archive_counter(by=request.user, counter=counter)
    messages.success(
        request,
        _("Counter “%(label)s” archived: its past counts are kept.") % {"label": counter.label},
    )
    return redirect("outreach:counter_type_list")
