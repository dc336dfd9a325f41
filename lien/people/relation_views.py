"""Relations between people, added, changed and archived from either person's file."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.services import record
from lien.core.versioning import EditConflict, keep_typed_values
from lien.people import services
from lien.people.forms import RelationForm, SearchForm, VersionForm
from lien.people.models import Person, Relation
from lien.people.views import _person_or_404


def _relation_or_404(request, public_id: UUID) -> Relation:
    return policy.get_or_404(
        Relation.objects.visible_to(request.user).select_related("person", "relative"),
        public_id=public_id,
    )


def _back_to(person: Person) -> HttpResponse:
    return redirect("people:person_detail", public_id=person.public_id)


def _back_to_file_seen(request, relation: Relation) -> HttpResponse:
    """Back to the file the user came from (`?from=<public id>`): either person's."""
    seen_from = request.GET.get("from")
    if seen_from == str(relation.relative.public_id):
        return _back_to(relation.relative)
    return _back_to(relation.person)


@policy.require(Perm.EDIT_PERSONS)
def relation_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    search = SearchForm(request.POST if request.method == "POST" else request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = []
    if query:
        found = [
            other
            for other in services.search(by=request.user, query=query, limit=20)
            if other.pk != person.pk
        ]
        record(action="person.searched", actor=request.user, object_type="people.person")
    relatives = Person.objects.visible_to(request.user).exclude(pk=person.pk)
    form = RelationForm(request.POST or None, relatives=relatives.filter(merged_into__isnull=True))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_relation(
                by=request.user,
                person=person,
                relative=form.cleaned_data["relative"],
                data=form.service_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Relation added."))
            return _back_to(person)
    return render(
        request,
        "people/relation_form.html",
        {"form": form, "person": person, "query": query, "found": found, "new": True},
    )


@policy.require(Perm.EDIT_PERSONS)
def relation_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    relation = _relation_or_404(request, public_id)
    person, relative = relation.person, relation.relative
    form = RelationForm(request.POST or None, instance=relation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_relation(
                by=request.user,
                relation=Relation.objects.get(pk=relation.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back_to_file_seen(request, relation)
    return render(
        request,
        "people/relation_form.html",
        {
            "form": form,
            "person": person,
            "relative": relative,
            "relation": relation,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.EDIT_PERSONS)
def relation_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    relation = _relation_or_404(request, public_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was archived: reload the file and try again."))
    else:
        try:
            services.archive_relation(
                by=request.user, relation=relation, version=form.cleaned_data["version"]
            )
        except EditConflict:
            messages.error(
                request,
                _("Someone changed this relation meanwhile; nothing was archived. Check it again."),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Relation archived."))
    return _back_to_file_seen(request, relation)
