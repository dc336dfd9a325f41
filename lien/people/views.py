from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.audit.services import record
from lien.core.versioning import EditConflict, keep_typed_values
from lien.customfields.forms import CustomFilterForm
from lien.customfields.models import CustomField, fields_for
from lien.people import file_sections, niss, sections, services
from lien.people.forms import NewPersonForm, PersonForm, SearchForm
from lien.people.models import Person


def _person_or_404(request, public_id: UUID) -> Person:
    return policy.person_shown_or_404(request.user, Person.objects.all(), public_id=public_id)


@policy.require(Perm.VIEW_PERSONS)
def person_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    custom_filters = CustomFilterForm(
        request.GET or None, fields=fields_for(request.user, CustomField.Entity.PERSON)
    )
    results = None
    if form.is_valid() and (form.cleaned_data["q"] or custom_filters.active):
        results = list(
            services.search(
                by=request.user,
                query=form.cleaned_data["q"],
                include_archived=form.cleaned_data["archived"],
                where=custom_filters.condition() if custom_filters.active else None,
            )
        )
        record(action="person.searched", actor=request.user, object_type="people.person")
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "custom_filters": custom_filters,
            "results": results,
            "can_create": policy.has_perm(request.user, Perm.CREATE_PERSONS),
            "can_export": policy.has_perm(request.user, Perm.EXPORT_PERSONS),
            "full_identity": policy.has_perm(request.user, Perm.VIEW_IDENTITY),
        },
    )


@policy.require(Perm.CREATE_PERSONS)
def person_create(request: HttpRequest) -> HttpResponse:
    teams = policy.teams_for_follow_up(request.user, Team.objects.all())
    form = NewPersonForm(
        request.POST or None,
        teams=teams,
        show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
        custom_fields=fields_for(request.user, CustomField.Entity.PERSON),
    )
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not form.cleaned_data["confirm_new"]:
            candidates = services.find_candidates(by=request.user, data=data)
        if not candidates:
            person = services.create_person(
                by=request.user,
                team=form.cleaned_data["team"],
                data=data,
                custom=form.custom_data(),
            )
            if form.niss_warning:
                messages.warning(
                    request,
                    _("The national register number looks mistyped (checksum); it was saved."),
                )
            messages.success(request, _("%(name)s is recorded.") % {"name": person})
            return redirect("people:person_detail", public_id=person.public_id)
        form.data = form.data.copy()
        form.data["confirm_new"] = "on"
    if not teams.exists():
        messages.warning(request, _("You are in no team: ask an admin to add you to one."))
    return render(
        request, "people/person_form.html", {"form": form, "candidates": candidates, "new": True}
    )


@policy.require(Perm.VIEW_PERSONS)
def person_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    services.record_file_read(by=request.user, person=person)
    follow_ups = person.follow_ups.select_related("team").order_by("-started_on", "-pk")
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "niss": niss.parse(person.niss) if person.niss else None,
            "follow_ups": follow_ups,
            "full_identity": policy.has_perm(request.user, Perm.VIEW_IDENTITY),
            "sensitive": policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
            "can_edit": policy.has_perm(request.user, Perm.EDIT_PERSONS),
            **sections.people_sections(request.user, person),
            **file_sections.context_for(request.user, person),
        },
    )


@policy.require(Perm.EDIT_PERSONS)
def person_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = PersonForm(
        request.POST or None,
        instance=person,
        show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
        custom_fields=fields_for(request.user, CustomField.Entity.PERSON),
    )
    conflict = None
    candidates = []
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                by=request.user,
                person=Person.objects.get(pk=person.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
                custom=form.custom_data(),
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:  # a custom field changed while the form was open
            form.add_error(None, exc)
        else:
            candidates = services.find_candidates(
                by=request.user, data=form.service_data(), exclude=person
            )
            if form.niss_warning:
                messages.warning(
                    request,
                    _("The national register number looks mistyped (checksum); it was saved."),
                )
            if candidates:
                messages.info(
                    request,
                    _("Saved. This file may be a duplicate of: %(names)s.")
                    % {"names": ", ".join(str(c.person) for c in candidates)},
                )
            else:
                messages.success(request, _("Changes saved."))
            return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "conflict": conflict, "candidates": candidates},
        status=409 if conflict else 200,
    )
