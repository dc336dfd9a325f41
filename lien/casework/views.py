from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.casework import choices, services, timeline
from lien.casework.forms import JournalEntryForm, ProcedureForm
from lien.casework.models import Procedure
from lien.core.versioning import save_versioned
from lien.people import services as people_services
from lien.people.models import Person


def _person_or_404(request, public_id: UUID) -> Person:
    return policy.person_shown_or_404(request.user, Person.objects.all(), public_id=public_id)


def _writable_person_or_404(request, public_id: UUID) -> Person:
    """A file that takes new records: not one merged into another (404, its records moved)."""
    return policy.get_or_404(
        Person.objects.visible_to(request.user).not_merged(), public_id=public_id
    )


@policy.require(Perm.VIEW_PERSONS)
def journal_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _writable_person_or_404(request, public_id)
    visibilities = policy.note_visibilities_for(request.user)
    if not visibilities:
        raise policy.PermissionDenied
    form = JournalEntryForm(
        request.POST or None,
        visibilities=visibilities,
        show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_journal_entry(
            by=request.user,
            person=person,
            text=data["text"],
            kind=data["kind"],
            channel=data["channel"],
            visibility=data["visibility"],
            section=data.get("section") or "general",
            occurred_at=data.get("occurred_at"),
        )
        messages.success(request, _("Journal entry added."))
        return redirect("people:person_detail", public_id=person.public_id)
    return render(request, "casework/journal_form.html", {"form": form, "person": person})


@policy.require(Perm.MANAGE_PROCEDURES)
def procedure_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _writable_person_or_404(request, public_id)
    form = ProcedureForm(
        request.POST or None,
        colleagues=choices.colleagues(request.user),
        partners=choices.partners(request.user),
        initial={"responsible": request.user.public_id},
    )
    if request.method == "POST" and form.is_valid():
        services.create_procedure(by=request.user, person=person, data=form.service_data())
        messages.success(request, _("Procedure added."))
        return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request, "casework/procedure_form.html", {"form": form, "person": person, "new": True}
    )


@policy.require(Perm.MANAGE_PROCEDURES)
def procedure_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    procedure = policy.get_or_404(
        Procedure.objects.visible_to(request.user).select_related("person"), public_id=public_id
    )
    if request.method == "GET":
        people_services.record_file_read(by=request.user, person=procedure.person)
    form = ProcedureForm(
        request.POST or None,
        instance=procedure,
        colleagues=choices.colleagues(request.user, procedure.responsible_id),
        partners=choices.partners(request.user, procedure),
    )
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_procedure(
            by=request.user,
            procedure=Procedure.objects.get(pk=procedure.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("people:person_detail", public_id=procedure.person.public_id)
    return render(
        request,
        "casework/procedure_form.html",
        {"form": form, "person": procedure.person, "procedure": procedure, "conflict": conflict},
        status=409 if conflict else 200,
    )


@policy.require(Perm.VIEW_PERSONS)
def person_timeline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    people_services.record_file_read(by=request.user, person=person)
    cursor = None
    if request.GET.get("before"):
        try:
            cursor = timeline.Cursor.parse(request.GET["before"])
        except ValueError:
            messages.warning(request, _("This link is damaged: showing the latest entries."))
    items, more = timeline.for_person(request.user, person, cursor=cursor)
    return render(
        request,
        "casework/timeline.html",
        {
            "person": person,
            "full_identity": policy.has_perm(request.user, Perm.VIEW_IDENTITY),
            "timeline": items,
            "timeline_more": more,
            "older_than": str(items[-1].cursor) if items else "",
        },
    )
