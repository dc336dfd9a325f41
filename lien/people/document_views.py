"""Identity documents, added, changed and archived from the person's file."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.core.versioning import EditConflict, keep_typed_values
from lien.people import services
from lien.people.forms import IdentityDocumentForm, VersionForm
from lien.people.models import IdentityDocument
from lien.people.views import _person_or_404


def _document_or_404(request, public_id: UUID) -> IdentityDocument:
    return policy.get_or_404(
        IdentityDocument.objects.visible_to(request.user).select_related("person"),
        public_id=public_id,
    )


def _back_to_file(document_or_person) -> HttpResponse:
    person = getattr(document_or_person, "person", document_or_person)
    return redirect("people:person_detail", public_id=person.public_id)


@policy.require(Perm.EDIT_PERSONS)
def document_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = IdentityDocumentForm(
        request.POST or None, show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_identity_document(by=request.user, person=person, data=form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Identity document added."))
            return _back_to_file(person)
    return render(
        request, "people/document_form.html", {"form": form, "person": person, "new": True}
    )


@policy.require(Perm.EDIT_PERSONS)
def document_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = _document_or_404(request, public_id)
    person = document.person
    form = IdentityDocumentForm(
        request.POST or None,
        instance=document,
        show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_identity_document(
                by=request.user,
                document=IdentityDocument.objects.get(pk=document.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _back_to_file(person)
    return render(
        request,
        "people/document_form.html",
        {"form": form, "person": person, "document": document, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.EDIT_PERSONS)
def document_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = _document_or_404(request, public_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was archived: reload the file and try again."))
        return _back_to_file(document)
    try:
        services.archive_identity_document(
            by=request.user, document=document, version=form.cleaned_data["version"]
        )
    except EditConflict:
        messages.error(
            request,
            _("Someone changed this document meanwhile; nothing was archived. Check it again."),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Identity document archived."))
    return _back_to_file(document)
