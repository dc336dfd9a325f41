"""Pathway templates (organisation settings) and opening or ending a team's follow-up."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.casework import services_followups, services_pathways
from lien.casework.forms_pathways import (
    EndFollowUpForm,
    OpenFollowUpForm,
    PathwayForm,
    live_steps_formset,
    steps_from,
)
from lien.casework.models import FollowUp, PathwayTemplate
from lien.core.versioning import save_versioned
from lien.people.models import Person


def _teams(request):
    return Team.objects.visible_to(request.user).active().order_by("name")


@policy.require(Perm.MANAGE_PATHWAYS)
def pathway_list(request: HttpRequest) -> HttpResponse:
    templates = (
        PathwayTemplate.objects.visible_to(request.user)
        .active()
        .select_related("team")
        .annotate(step_count=Count("steps", filter=Q(steps__archived_at__isnull=True)))
    )
    return render(request, "casework/pathway_list.html", {"templates": templates})


@policy.require(Perm.MANAGE_PATHWAYS)
def pathway_create(request: HttpRequest) -> HttpResponse:
    form = PathwayForm(request.POST or None, teams=_teams(request))
    steps = live_steps_formset(request.POST or None, None)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        services_pathways.create_pathway(
            by=request.user,
            name=form.cleaned_data["name"],
            event=form.cleaned_data["event"],
            team=form.cleaned_data["team"],
            steps=steps_from(steps),
        )
        messages.success(request, _("Pathway saved."))
        return redirect("casework:pathway_list")
    return render(
        request, "casework/pathway_form.html", {"form": form, "steps": steps, "new": True}
    )


@policy.require(Perm.MANAGE_PATHWAYS)
def pathway_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    template = policy.get_or_404(
        PathwayTemplate.objects.visible_to(request.user).active(), public_id=public_id
    )
    form = PathwayForm(request.POST or None, instance=template, teams=_teams(request))
    steps = live_steps_formset(request.POST or None, template)
    saved, conflict = False, None
    if request.method != "POST" or steps.is_valid():
        saved, conflict = save_versioned(
            request,
            form,
            lambda version: services_pathways.update_pathway(
                by=request.user,
                template=PathwayTemplate.objects.get(pk=template.pk),
                version=version,
                name=form.cleaned_data["name"],
                event=form.cleaned_data["event"],
                team=form.cleaned_data["team"],
                steps=steps_from(steps),
            ),
        )
    if saved:
        messages.success(request, _("Pathway saved."))
        return redirect("casework:pathway_list")
    return render(
        request,
        "casework/pathway_form.html",
        {"form": form, "steps": steps, "template": template, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_PATHWAYS)
def pathway_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    template = policy.get_or_404(
        PathwayTemplate.objects.visible_to(request.user).active(), public_id=public_id
    )
    services_pathways.archive_pathway(by=request.user, template=template)
    messages.success(request, _("Pathway archived: it no longer creates tasks."))
    return redirect("casework:pathway_list")


@policy.require(Perm.EDIT_PERSONS)
def follow_up_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = policy.get_or_404(
        Person.objects.visible_to(request.user).not_merged(), public_id=public_id
    )
    following = FollowUp.objects.open().filter(person=person).values("team_id")
    teams = policy.teams_for_follow_up(request.user, Team.objects.all()).exclude(pk__in=following)
    form = OpenFollowUpForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            services_followups.open_follow_up(
                by=request.user,
                person=person,
                team=form.cleaned_data["team"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["started_on"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The team now follows this person."))
            return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request, "casework/follow_up_form.html", {"form": form, "person": person, "new": True}
    )


@policy.require(Perm.EDIT_PERSONS)
def follow_up_end(request: HttpRequest, public_id: UUID) -> HttpResponse:
    follow_up = policy.get_or_404(
        FollowUp.objects.filter(
            person__in=Person.objects.visible_to(request.user), ended_on__isnull=True
        ).select_related("person", "team"),
        public_id=public_id,
    )
    if not policy.teams_for_follow_up(request.user, Team.objects.filter(pk=follow_up.team_id)):
        raise policy.PermissionDenied
    form = EndFollowUpForm(request.POST or None, instance=follow_up)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services_followups.end_follow_up(
            by=request.user,
            follow_up=FollowUp.objects.get(pk=follow_up.pk),
            version=version,
            on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["end_reason"],
        ),
    )
    if saved:
        messages.success(request, _("Follow-up ended."))
        return redirect("people:person_detail", public_id=follow_up.person.public_id)
    return render(
        request,
        "casework/follow_up_form.html",
        {"form": form, "person": follow_up.person, "follow_up": follow_up, "conflict": conflict},
        status=409 if conflict else 200,
    )
