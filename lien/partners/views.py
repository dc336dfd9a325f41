import secrets
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.core.versioning import save_versioned
from lien.partners import importing, services
from lien.partners.forms import ContactForm, ImportForm, PartnerForm, SearchForm
from lien.partners.models import Partner, PartnerContact

PAGE_SIZE = 50
PREVIEW_SHOWN = 500  # rows listed on the preview page; the import takes them all
SESSION_PREVIEW = "partners.import_preview"
SESSION_REPORT = "partners.import_report"


def _partner_or_404(request, public_id: UUID, *, active: bool = False) -> Partner:
    partners = Partner.objects.visible_to(request.user)
    if active:
        partners = partners.active()
    return policy.get_or_404(partners, public_id=public_id)


def _contact_or_404(request, public_id: UUID) -> PartnerContact:
    contacts = (
        PartnerContact.objects.visible_to(request.user)
        .active()
        .filter(partner__archived_at__isnull=True)
        .select_related("partner")
    )
    return policy.get_or_404(contacts, public_id=public_id)


@policy.require(Perm.VIEW_PARTNERS)
def partner_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    partners = Partner.objects.visible_to(request.user).active()
    if form.is_bound and not form.is_valid():
        partners = partners.none()
    elif form.is_bound:
        if form.cleaned_data["q"]:
            partners = partners.search(form.cleaned_data["q"])
        if form.cleaned_data["sector"]:
            partners = partners.filter(sector=form.cleaned_data["sector"])
    partners = partners.annotate(
        contact_count=Count("contacts", filter=Q(contacts__archived_at__isnull=True))
    ).order_by("name", "pk")
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/partner_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searching": bool(form.is_bound and any(form.data.get(k) for k in ("q", "sector"))),
            "can_manage": policy.has_perm(request.user, Perm.MANAGE_PARTNERS),
        },
    )


@policy.require(Perm.MANAGE_PARTNERS)
def partner_create(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(by=request.user, data=form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s is in the directory.") % {"name": partner})
            return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(request, "partners/partner_form.html", {"form": form, "new": True})


@policy.require(Perm.VIEW_PARTNERS)
def partner_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partner = _partner_or_404(request, public_id)
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.active().order_by("full_name", "pk"),
            "can_manage": (
                policy.has_perm(request.user, Perm.MANAGE_PARTNERS) and not partner.is_archived
            ),
        },
    )


@policy.require(Perm.MANAGE_PARTNERS)
def partner_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partner = _partner_or_404(request, public_id, active=True)
    form = PartnerForm(request.POST or None, instance=partner)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_partner(
            by=request.user,
            # The form wrote its values on `partner`: save from a fresh copy.
            partner=Partner.objects.get(pk=partner.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request,
        "partners/partner_form.html",
        {"form": form, "partner": partner, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_PARTNERS)
def partner_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partner = _partner_or_404(request, public_id, active=True)
    services.archive_partner(by=request.user, partner=partner)
    messages.success(request, _("%(name)s is archived.") % {"name": partner})
    return redirect("partners:partner_list")


@policy.require(Perm.MANAGE_PARTNERS)
def contact_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partner = _partner_or_404(request, public_id, active=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_contact(by=request.user, partner=partner, data=form.service_data())
        messages.success(request, _("Contact added."))
        return redirect("partners:partner_detail", public_id=partner.public_id)
    return render(
        request, "partners/contact_form.html", {"form": form, "partner": partner, "new": True}
    )


@policy.require(Perm.MANAGE_PARTNERS)
def contact_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contact = _contact_or_404(request, public_id)
    form = ContactForm(request.POST or None, instance=contact)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_contact(
            by=request.user,
            contact=PartnerContact.objects.get(pk=contact.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("partners:partner_detail", public_id=contact.partner.public_id)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_PARTNERS)
def contact_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    contact = _contact_or_404(request, public_id)
    services.archive_contact(by=request.user, contact=contact)
    messages.success(request, _("%(name)s is archived.") % {"name": contact})
    return redirect("partners:partner_detail", public_id=contact.partner.public_id)


# Import: upload → preview (rows kept in the session, never sent back by the browser) →
# confirm (one transaction) → report.


@csrf_exempt  # only to install the size limit before the body is read; checked just below
@policy.require(Perm.MANAGE_PARTNERS)
def import_upload(request: HttpRequest) -> HttpResponse:
    limit = importing.SizeLimitUploadHandler(settings.LIEN_PARTNER_IMPORT_MAX_BYTES, request)
    request.upload_handlers.insert(0, limit)
    return _import_upload(request, limit)


@csrf_protect
def _import_upload(request: HttpRequest, limit) -> HttpResponse:
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, cut_short=limit.too_large)
    else:
        form = ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            preview = importing.read_upload(
                form.cleaned_data["file"],
                max_bytes=settings.LIEN_PARTNER_IMPORT_MAX_BYTES,
                max_rows=settings.LIEN_PARTNER_IMPORT_MAX_ROWS,
                taken_names=services.existing_name_keys(request.user.organisation_id),
            )
        except importing.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_PREVIEW] = {
                "token": token,
                "rows": [[row.number, row.data] for row in preview.rows],
                "rejected": len(preview.rejected),
            }
            request.session.pop(SESSION_REPORT, None)
            return render(
                request,
                "partners/import_preview.html",
                {
                    "preview": preview,
                    "token": token,
                    "rows_shown": preview.rows[:PREVIEW_SHOWN],
                    "rejected_shown": preview.rejected[:PREVIEW_SHOWN],
                    "shown": PREVIEW_SHOWN,
                    "sector_policy": importing.SECTOR_POLICY,
                },
            )
    return render(request, "partners/import_upload.html", {"form": form})


@require_POST
@policy.require(Perm.MANAGE_PARTNERS)
def import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PREVIEW)
    if not pending or not secrets.compare_digest(
        str(pending.get("token", "")), request.POST.get("token", "")
    ):
        messages.error(
            request, _("This preview is no longer current. Upload the file again, please.")
        )
        return redirect("partners:import_upload")
    try:
        result = services.import_partners(
            by=request.user, rows=[(number, data) for number, data in pending["rows"]]
        )
    except ValidationError:  # a name taken by someone else at the same instant
        messages.error(request, _("Nothing was imported: the directory changed meanwhile."))
        return redirect("partners:import_upload")
    del request.session[SESSION_PREVIEW]
    request.session[SESSION_REPORT] = {
        "imported": len(result.imported),
        "rejected": pending["rejected"] + len(result.skipped),
        "skipped": [[s.row, s.name, s.reason] for s in result.skipped[:PREVIEW_SHOWN]],
    }
    return redirect("partners:import_report")


@policy.require(Perm.MANAGE_PARTNERS)
def import_report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partners/import_report.html",
        {"report": request.session.get(SESSION_REPORT)},
    )
