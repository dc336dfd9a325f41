"""Changing or archiving a presence, an encounter or a drop-in visit afterwards.

Who may is `policy.outreach_record_editable` (another team's or organisation's record: 404;
one the user sees but may not change: 403). A stale save answers 409 with what was typed kept
and the saved version beside it.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.services import record
from lien.core.versioning import save_versioned
from lien.outreach import services_records as services
from lien.outreach.forms_records import EncounterEditForm, PassageEditForm, PresenceEditForm
from lien.outreach.models import Encounter, Passage, Place, Presence, Territory, Theme
from lien.people.models import Person


def _editable_or_404(request, queryset, public_id: UUID):
    obj = policy.get_or_404(queryset.visible_to(request.user).active(), public_id=public_id)
    if not policy.outreach_record_editable(request.user, obj):
        raise PermissionDenied
    return obj


def _places(user):
    return Place.objects.visible_to(user).select_related("territory").order_by("name", "pk")


# Encounters -------------------------------------------------------------------------------


@policy.require(Perm.ADD_ENCOUNTERS)
def encounter_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    queryset = Encounter.objects.select_related("place", "presence", "team", "territory")
    encounter = _editable_or_404(request, queryset, public_id)
    named = Person.objects.visible_to(user).filter(encounters=encounter).order_by("nickname", "pk")
    form = EncounterEditForm(
        request.POST or None,
        encounter=encounter,
        places=_places(user),
        themes=Theme.objects.visible_to(user),
        persons=named,
    )
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_encounter(
            by=user,
            encounter=queryset.get(pk=encounter.pk),
            version=version,
            data=form.service_data(),
            persons=form.cleaned_data["persons"],
            counts=form.cells(),
            themes=form.cleaned_data["themes"],
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("outreach:home")
    named = list(named)
    if named and request.method == "GET":
        # The form shows the names of the people met: a read of personal data.
        record(action="encounter.viewed", actor=user, obj=encounter, fields=["persons"])
    return render(
        request,
        "outreach/encounter_edit.html",
        {
            "form": form,
            "encounter": encounter,
            "genders": Encounter.Gender.choices,
            "named": named,
            "conflict": conflict,
            "conflict_counts": list(conflict.counts.order_by("age_band", "gender"))
            if conflict
            else [],
        },
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.ADD_ENCOUNTERS)
def encounter_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    encounter = _editable_or_404(request, Encounter.objects.all(), public_id)
    services.archive_record(by=request.user, obj=encounter)
    messages.success(request, _("Encounter archived: it no longer counts in the figures."))
    return redirect("outreach:home")


# Presences --------------------------------------------------------------------------------


@policy.require(Perm.ADD_ENCOUNTERS)
def presence_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    queryset = Presence.objects.select_related("team", "territory")
    presence = _editable_or_404(request, queryset, public_id)
    form = PresenceEditForm(
        request.POST or None,
        presence=presence,
        territories=Territory.objects.visible_to(user),
        places=_places(user),
    )
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_presence(
            by=user,
            presence=queryset.get(pk=presence.pk),
            version=version,
            data=form.service_data(),
            places=form.cleaned_data["places"],
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("outreach:home")
    return render(
        request,
        "outreach/presence_edit.html",
        {"form": form, "presence": presence, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.ADD_ENCOUNTERS)
def presence_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    presence = _editable_or_404(request, Presence.objects.all(), public_id)
    services.archive_record(by=request.user, obj=presence)
    messages.success(request, _("Presence archived: its hours no longer count."))
    return redirect("outreach:home")


# Drop-in visits ---------------------------------------------------------------------------


@policy.require(Perm.ADD_ENCOUNTERS)
def passage_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    queryset = Passage.objects.select_related("team", "place", "person")
    passage = _editable_or_404(request, queryset, public_id)
    form = PassageEditForm(request.POST or None, passage=passage, places=_places(user))
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_passage(
            by=user,
            passage=queryset.get(pk=passage.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("outreach:home")
    person = None
    if passage.person_id is not None:
        person = Person.objects.visible_to(user).filter(pk=passage.person_id).first()
        if person is not None and request.method == "GET":
            record(action="passage.viewed", actor=user, obj=passage, fields=["person"])
    return render(
        request,
        "outreach/passage_edit.html",
        {"form": form, "passage": passage, "person": person, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.ADD_ENCOUNTERS)
def passage_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    passage = _editable_or_404(request, Passage.objects.all(), public_id)
    services.archive_record(by=request.user, obj=passage)
    messages.success(request, _("Visit archived: it no longer counts in the figures."))
    return redirect("outreach:home")
