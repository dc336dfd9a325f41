"""Collective projects: list, form, page with its participation chart, activities, attendance."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.core.versioning import save_versioned
from lien.partners.models import Partner
from lien.people.models import Person
from lien.projects import chart, services
from lien.projects.forms import ActivityForm, AttendanceForm, AttendanceSearchForm, ProjectForm
from lien.projects.models import Activity, AgeBand, CollectiveProject, Gender, Participation

LIST_MAX = 200
ACTIVITIES_ON_PAGE = 60  # the most recent ones; the chart shows the same
SEARCH_MAX = 20
SEARCH_MIN_LENGTH = 2


def _project_or_404(request, public_id: UUID, *, active_only=True) -> CollectiveProject:
    projects = CollectiveProject.objects.visible_to(request.user).select_related("team")
    if active_only:
        projects = projects.active()
    return policy.get_or_404(projects, public_id=public_id)


@policy.require(Perm.VIEW_PROJECTS)
def project_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in CollectiveProject.Status.values:
        status = ""
    projects = CollectiveProject.objects.visible_to(request.user).active().select_related("team")
    if status:
        projects = projects.filter(status=status)
    shown = list(projects.order_by("-starts_on", "pk")[: LIST_MAX + 1])
    return render(
        request,
        "projects/project_list.html",
        {
            "projects": shown[:LIST_MAX],
            "truncated": len(shown) > LIST_MAX,
            "list_max": LIST_MAX,
            "status": status,
            "statuses": CollectiveProject.Status.choices,
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_PROJECTS),
        },
    )


def _partners(request, project: CollectiveProject | None = None):
    partners = Partner.objects.visible_to(request.user)
    current = Q(pk__in=project.partners.values("pk")) if project else Q(pk__in=[])
    return partners.filter(Q(archived_at__isnull=True) | current).order_by("name", "pk")


def _teams(request):
    return policy.my_teams(request.user, Team.objects.all()).filter(archived_at__isnull=True)


@policy.require(Perm.MANAGE_PROJECTS)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, teams=_teams(request), partners=_partners(request))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                by=request.user,
                team=form.cleaned_data["team"],
                data=form.service_data(),
                partners=form.cleaned_data["partners"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project created."))
            return redirect("projects:project_detail", public_id=project.public_id)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "new": True, "project": None, "conflict": None},
    )


@policy.require(Perm.MANAGE_PROJECTS)
def project_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    project = _project_or_404(request, public_id)
    form = ProjectForm(
        request.POST or None,
        instance=project,
        teams=_teams(request),
        partners=_partners(request, project),
    )
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_project(
            by=request.user,
            project=CollectiveProject.objects.get(pk=project.pk),
            version=version,
            data=form.service_data(),
            partners=form.cleaned_data["partners"],
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("projects:project_detail", public_id=project.public_id)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_PROJECTS)
def project_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    project = _project_or_404(request, public_id)
    services.archive_project(by=request.user, project=project)
    messages.success(request, _("Project archived."))
    return redirect("projects:project_list")


@policy.require(Perm.VIEW_PROJECTS)
def project_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Counts only: no named participant appears on this page."""
    project = _project_or_404(request, public_id)
    recent = list(
        chart.with_figures(project.activities.active()).order_by("-date", "-pk")[
            :ACTIVITIES_ON_PAGE
        ]
    )
    recent.reverse()
    bars, top = chart.bars(recent)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "partners": list(project.partners.order_by("name", "pk")),
            "bars": bars,
            "top": top,
            "chart": {"width": chart.WIDTH, "height": chart.HEIGHT, "base": chart.HEIGHT - 20},
            "total_named": sum(b.named for b in bars),
            "total_anonymous": sum(b.anonymous for b in bars),
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_PROJECTS),
        },
    )


@policy.require(Perm.MANAGE_PROJECTS)
def activity_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    project = _project_or_404(request, public_id)
    form = ActivityForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.add_activity(
                by=request.user, project=project, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Activity added."))
            return redirect("projects:attendance", public_id=activity.public_id)
    return render(
        request,
        "projects/activity_form.html",
        {"form": form, "project": project, "activity": None, "conflict": None},
    )


@policy.require(Perm.MANAGE_PROJECTS)
def activity_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change an activity, typically to write its evaluation afterwards."""
    activity = _activity_or_404(request, public_id)
    form = ActivityForm(request.POST or None, instance=activity, project=activity.project)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_activity(
            by=request.user,
            activity=Activity.objects.select_related("project").get(pk=activity.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("projects:project_detail", public_id=activity.project.public_id)
    return render(
        request,
        "projects/activity_form.html",
        {"form": form, "project": activity.project, "activity": activity, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _activity_or_404(request, public_id: UUID) -> Activity:
    return policy.get_or_404(
        Activity.objects.visible_to(request.user)
        .active()
        .filter(project__archived_at__isnull=True)
        .select_related("project"),
        public_id=public_id,
    )


def _search(request, query: str):
    """People the user sees whose name or nickname contains `query`."""
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    match = (
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(nickname__icontains=query)
    )
    return list(
        Person.objects.visible_to(request.user)
        .not_archived()
        .filter(match)
        .order_by("last_name", "first_name", "nickname", "pk")[:SEARCH_MAX]
    )


@policy.require(Perm.MANAGE_PROJECTS)
def attendance(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Who came to an activity: named people the user sees, and anonymous counts. Reading it
    is a read of personal data: audited."""
    user = request.user
    activity = _activity_or_404(request, public_id)
    visible_people = Person.objects.visible_to(user)
    participations = list(
        Participation.objects.visible_to(user)
        .filter(activity=activity)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__nickname", "pk")
    )
    hidden_count = (
        Participation.objects.filter(activity=activity, attended=True)
        .exclude(pk__in=[p.pk for p in participations])
        .count()
    )
    search = AttendanceSearchForm(request.POST if "q" in request.POST else request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    searching = request.method == "POST" and "search" in request.POST
    counts_initial = {
        f"n_{row.age_band}_{row.gender}": row.count for row in activity.anonymous_participants.all()
    }
    form = AttendanceForm(
        request.POST or None,
        people=visible_people,
        initial={
            **counts_initial,
            "listed": [p.person.public_id for p in participations],
            "attended": [p.person.public_id for p in participations if p.attended],
        },
    )
    if request.method == "POST" and not searching and form.is_valid():
        try:
            services.record_attendance(
                by=user,
                activity=activity,
                listed=form.cleaned_data["listed"],
                attended=form.cleaned_data["attended"],
                counts=form.counts(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("projects:project_detail", public_id=activity.project.public_id)
    # The people shown: those registered, those posted back (a search keeps what was ticked),
    # and the search results.
    people = {p.person.pk: p.person for p in participations}
    checked = {p.person.public_id for p in participations if p.attended}
    if request.method == "POST":
        posted = {str(v) for v in request.POST.getlist("listed") + request.POST.getlist("attended")}
        for person in _posted_people(visible_people, posted):
            people.setdefault(person.pk, person)
        checked = {str(v) for v in request.POST.getlist("attended")}
    else:
        checked = {str(v) for v in checked}
    results = _search(request, query) if query else []
    for person in results:
        people.setdefault(person.pk, person)
    if participations:
        services.record_attendance_read(by=user, activity=activity)
    return render(
        request,
        "projects/attendance.html",
        {
            "activity": activity,
            "project": activity.project,
            "form": form,
            "people": sorted(people.values(), key=lambda p: p.display_name.lower()),
            "checked": checked,
            "query": query,
            "search": search,
            "searched": bool(query),
            "results": results,
            "hidden_count": hidden_count,
            "genders": Gender.choices,
            "age_bands": AgeBand.choices,
            "search_min": SEARCH_MIN_LENGTH,
        },
    )


def _posted_people(visible_people, posted: set[str]):
    ids = []
    for value in posted:
        try:
            ids.append(UUID(value))
        except ValueError:
            continue
    return list(visible_people.filter(public_id__in=ids[:500])) if ids else []
