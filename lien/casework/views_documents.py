from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.casework import services_documents as services
from lien.casework.forms_documents import DocumentForm, InMemoryUploadHandler
from lien.casework.models import Document
from lien.people import services as people_services
from lien.people.models import Person

PAGE_SIZE = 25
# Room for the title and the multipart headers around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
# An oversized upload is read to its end (so the browser shows the answer rather than a reset
# connection), but not past this.
DRAIN_LIMIT_BYTES = 512 * 1024 * 1024


def _person_or_404(request, public_id: UUID) -> Person:
    return policy.get_or_404(Person.objects.visible_to(request.user), public_id=public_id)


def _document_or_404(request, public_id: UUID) -> Document:
    return policy.get_or_404(
        Document.objects.visible_to(request.user).select_related("person"), public_id=public_id
    )


@policy.require(Perm.MANAGE_DOCUMENTS)
def document_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    documents = (
        Document.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    people_services.record_file_read(by=request.user, person=person)
    return render(request, "casework/document_list.html", {"person": person, "page": page})


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _discard_body(request, length: int) -> None:
    remaining = min(length, DRAIN_LIMIT_BYTES)
    while remaining > 0:
        chunk = request.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        remaining -= len(chunk)


def _render_form(request, person, form, *, too_large: str = "", status: int = 200):
    return render(
        request,
        "casework/document_form.html",
        {
            "person": person,
            "form": form,
            "too_large": too_large,
            "limit": settings.LIEN_MAX_UPLOAD_BYTES,
        },
        status=status,
    )


def _too_large_message(size: int) -> str:
    return _("The file is too large (%(size)s); the limit is %(limit)s. Nothing was saved.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.LIEN_MAX_UPLOAD_BYTES),
    }


# CSRF is checked in _upload, after the size check and the choice of upload handler: the CSRF
# middleware would otherwise read (and spool to disk) the whole body first.
@policy.require(Perm.MANAGE_DOCUMENTS)
@csrf_exempt
def document_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    if request.method != "POST":
        return _render_form(request, person, DocumentForm())
    declared = _declared_length(request)
    if declared > settings.LIEN_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        _discard_body(request, declared)
        return _render_form(
            request, person, DocumentForm(), too_large=_too_large_message(declared), status=413
        )
    handler = InMemoryUploadHandler(request, max_bytes=settings.LIEN_MAX_UPLOAD_BYTES)
    request.upload_handlers = [handler]
    return _upload(request, person, handler)


@csrf_protect
def _upload(request, person: Person, handler: InMemoryUploadHandler) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    valid = form.is_valid()
    if handler.too_large:
        return _render_form(
            request,
            person,
            DocumentForm(),
            too_large=_too_large_message(settings.LIEN_MAX_UPLOAD_BYTES + 1),
            status=413,
        )
    if valid:
        upload = form.cleaned_data["file"]
        try:
            services.upload_document(
                by=request.user,
                person=person,
                title=form.cleaned_data["title"],
                file_name=upload.name,
                content=form.content,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Document added."))
            return redirect("people:person_detail", public_id=person.public_id)
    return _render_form(request, person, form)


@policy.require(Perm.MANAGE_DOCUMENTS)
def document_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = _document_or_404(request, public_id)
    data = services.read_document(by=request.user, document=document)
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.file_name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@policy.require(Perm.MANAGE_DOCUMENTS)
def document_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    document = _document_or_404(request, public_id)
    services.archive_document(by=request.user, document=document)
    messages.success(request, _("Document archived: it no longer shows on the file."))
    return redirect("people:person_detail", public_id=document.person.public_id)
