from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import User
from lien.casework import services, timeline
from lien.casework.forms import JournalEntryForm, ProcedureForm
from lien.casework.models import Procedure
from lien.core.versioning import EditConflict, keep_typed_values
from lien.partners.models import Partner
from lien.people import services as people_services
from lien.people.models import Person


def _person_or_404(request, public_id: UUID) -> Person:
    return policy.get_or_404(Person.objects.visible_to(request.user), public_id=public_id)


def _writable_person_or_404(request, public_id: UUID) -> Person:
    """A file that takes new records: not one merged into another (404, its records moved)."""
    return policy.get_or_404(
        Person.objects.visible_to(request.user).not_merged(), public_id=public_id
    )


def _partners(request, current=None):
    """Active partners, and the one the record already names even if archived since: an
    edit must not fail because a partner left the directory."""
    visible = Partner.objects.visible_to(request.user)
    keep = Q(pk=current.partner_id) if current is not None and current.partner_id else Q()
    return visible.filter(Q(archived_at__isnull=True) | keep).order_by("name")


def _colleagues(request, current_id=None):
    """Active colleagues, and the one a record already names even if deactivated since."""
    keep = Q(pk=current_id) if current_id else Q(pk__in=[])
    return User.objects.filter(
        Q(is_active=True) | keep, organisation_id=request.user.organisation_id
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
        colleagues=_colleagues(request),
        partners=_partners(request),
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
        colleagues=_colleagues(request, procedure.responsible_id),
        partners=_partners(request, procedure),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_procedure(
                by=request.user,
                procedure=Procedure.objects.get(pk=procedure.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        else:
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
