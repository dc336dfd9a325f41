"""The organisation admin's pages: the custom fields of its records."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.accounts.models import Team
from lien.core.versioning import EditConflict, keep_typed_values
from lien.customfields import services
from lien.customfields.forms import CustomFieldForm
from lien.customfields.models import CustomField


def _teams(request, field: CustomField | None = None):
    """The teams a field may be given to: active ones, and the one it already has."""
    teams = Team.objects.visible_to(request.user)
    if field is not None and field.team_id:
        return teams.filter(Q(archived_at__isnull=True) | Q(pk=field.team_id)).order_by("name")
    return teams.active().order_by("name")


def _field_or_404(request, public_id: UUID) -> CustomField:
    return policy.get_or_404(
        CustomField.objects.visible_to(request.user).active(), public_id=public_id
    )


@policy.require(Perm.MANAGE_CUSTOM_FIELDS)
def field_list(request: HttpRequest) -> HttpResponse:
    fields = list(
        CustomField.objects.visible_to(request.user)
        .select_related("team")
        .order_by("entity", "position", "label", "pk")
    )
    return render(
        request,
        "customfields/field_list.html",
        {
            "fields": [f for f in fields if f.archived_at is None],
            "archived": [f for f in fields if f.archived_at is not None],
        },
    )


@policy.require(Perm.MANAGE_CUSTOM_FIELDS)
def field_create(request: HttpRequest) -> HttpResponse:
    form = CustomFieldForm(request.POST or None, teams=_teams(request))
    if request.method == "POST" and form.is_valid():
        try:
            field = services.define_field(
                by=request.user,
                entity=form.cleaned_data["entity"],
                kind=form.cleaned_data["kind"],
                data=form.service_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Field “%(label)s” added.") % {"label": field.label})
            return redirect("customfields:field_list")
    return render(request, "customfields/field_form.html", {"form": form, "new": True})


@policy.require(Perm.MANAGE_CUSTOM_FIELDS)
def field_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    field = _field_or_404(request, public_id)
    form = CustomFieldForm(request.POST or None, instance=field, teams=_teams(request, field))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_field(
                by=request.user,
                # The form has set its values on `field`: the service compares with the row.
                field=CustomField.objects.get(pk=field.pk),
                version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
            )
        except EditConflict as exc:
            conflict = keep_typed_values(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customfields:field_list")
    return render(
        request,
        "customfields/field_form.html",
        {"form": form, "field": field, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_POST
@policy.require(Perm.MANAGE_CUSTOM_FIELDS)
def field_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    field = _field_or_404(request, public_id)
    services.archive_field(by=request.user, field=field)
    messages.success(
        request,
        _("Field “%(label)s” archived: it no longer shows; its values are kept.")
        % {"label": field.label},
    )
    return redirect("customfields:field_list")
