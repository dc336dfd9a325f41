"""Managing the street-work vocabularies: neighbourhoods, places and themes (list, create,
edit with the 409 page on a stale save, archive and restore; never delete)."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.core.versioning import save_versioned
from lien.outreach import services_vocabulary as services
from lien.outreach.forms_vocabulary import PlaceForm, TerritoryForm, ThemeForm
from lien.outreach.models import Place, Territory, Theme

PER_PAGE = 50


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    form: type
    prefix: str  # of the URL names: "territory" → territory_list, territory_edit…
    title: str
    new_title: str
    created: str
    archived: str
    restored: str


KINDS = {
    Territory: Kind(
        Territory,
        TerritoryForm,
        "territory",
        gettext_lazy("Neighbourhoods"),
        gettext_lazy("New neighbourhood"),
        gettext_lazy("Neighbourhood added."),
        gettext_lazy("Neighbourhood archived: it is no longer proposed in the forms."),
        gettext_lazy("Neighbourhood restored."),
    ),
    Place: Kind(
        Place,
        PlaceForm,
        "place",
        gettext_lazy("Places"),
        gettext_lazy("New place"),
        gettext_lazy("Place added."),
        gettext_lazy("Place archived: it is no longer proposed in the forms."),
        gettext_lazy("Place restored."),
    ),
    Theme: Kind(
        Theme,
        ThemeForm,
        "theme",
        gettext_lazy("Themes"),
        gettext_lazy("New theme"),
        gettext_lazy("Theme added."),
        gettext_lazy("Theme archived: it is no longer proposed in the forms."),
        gettext_lazy("Theme restored."),
    ),
}


def _queryset(request, model):
    queryset = model.objects.visible_to(request.user)
    return queryset.select_related("territory") if model is Place else queryset


def _entry_or_404(request, model, public_id: UUID):
    return policy.get_or_404(_queryset(request, model), public_id=public_id)


def _form(request, kind: Kind, instance=None, data=None):
    extra = {}
    if kind.model is Place:
        extra["territories"] = Territory.objects.visible_to(request.user)
    return kind.form(data, instance=instance, organisation=request.user.organisation, **extra)


def _list(request: HttpRequest, model) -> HttpResponse:
    kind = KINDS[model]
    entries = _queryset(request, model)
    if model is Place:
        entries = entries.order_by("territory__name_fr", "name", "pk")
    live = entries.filter(archived_at__isnull=True)
    page = Paginator(live, PER_PAGE).get_page(request.GET.get("page"))
    archived = list(entries.filter(archived_at__isnull=False)[:PER_PAGE])
    return render(
        request,
        f"outreach/manage/{kind.prefix}_list.html",
        {"kind": kind, "page": page, "entries": page.object_list, "archived": archived},
    )


def _create(request: HttpRequest, model) -> HttpResponse:
    kind = KINDS[model]
    form = _form(request, kind, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_entry(by=request.user, model=model, data=form.service_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, kind.created)
            return redirect(f"outreach:{kind.prefix}_list")
    return render(
        request,
        "outreach/manage/entry_form.html",
        {"form": form, "kind": kind, "entry": None, "conflict": None},
    )


def _edit(request: HttpRequest, model, public_id: UUID) -> HttpResponse:
    kind = KINDS[model]
    entry = _entry_or_404(request, model, public_id)
    form = _form(request, kind, instance=entry, data=request.POST or None)
    saved, conflict = save_versioned(
        request,
        form,
        lambda version: services.update_entry(
            by=request.user,
            obj=_queryset(request, model).get(pk=entry.pk),
            version=version,
            data=form.service_data(),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect(f"outreach:{kind.prefix}_list")
    return render(
        request,
        "outreach/manage/entry_form.html",
        {
            "form": form,
            "kind": kind,
            "entry": _queryset(request, model).get(pk=entry.pk),
            "conflict": conflict,
            "conflict_rows": _rows(form, conflict) if conflict else [],
        },
        status=409 if conflict else 200,
    )


def _rows(form, saved) -> list[tuple[str, object]]:
    """The saved version beside the form: each field's label and stored value."""
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        display = getattr(saved, f"get_{name}_display", None)
        value = display() if display else getattr(saved, name, "")
        rows.append((field.label, "—" if value in (None, "") else value))
    return rows


def _set_archived(request: HttpRequest, model, public_id: UUID, *, archived: bool):
    kind = KINDS[model]
    entry = _entry_or_404(request, model, public_id)
    if archived:
        services.archive_entry(by=request.user, obj=entry)
        messages.success(request, kind.archived)
    else:
        services.restore_entry(by=request.user, obj=entry)
        messages.success(request, kind.restored)
    return redirect(f"outreach:{kind.prefix}_list")


# The URLs: five views per vocabulary, each carrying its access rule.


def _views_of(model):
    @policy.require(Perm.MANAGE_TERRITORIES)
    def list_view(request: HttpRequest) -> HttpResponse:
        return _list(request, model)

    @policy.require(Perm.MANAGE_TERRITORIES)
    def create_view(request: HttpRequest) -> HttpResponse:
        return _create(request, model)

    @policy.require(Perm.MANAGE_TERRITORIES)
    def edit_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        return _edit(request, model, public_id)

    @require_POST
    @policy.require(Perm.MANAGE_TERRITORIES)
    def archive_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        return _set_archived(request, model, public_id, archived=True)

    @require_POST
    @policy.require(Perm.MANAGE_TERRITORIES)
    def restore_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        return _set_archived(request, model, public_id, archived=False)

    return list_view, create_view, edit_view, archive_view, restore_view


territory_list, territory_create, territory_edit, territory_archive, territory_restore = _views_of(
    Territory
)
place_list, place_create, place_edit, place_archive, place_restore = _views_of(Place)
theme_list, theme_create, theme_edit, theme_archive, theme_restore = _views_of(Theme)
