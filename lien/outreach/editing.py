"""The shape the edit and archive views of every street-work record share (presences,
encounters, drop-in visits, observations, mediations): find the record the user may change
(another team's or organisation's: 404; one they see but may not change: 403; an archived one
goes back to its page, when it has one), save its versioned form through one service — a stale
save answers 409, what was typed kept beside the saved version (`save_versioned`) — or archive
it on a POST, and say so."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.core.versioning import save_versioned


@dataclass(frozen=True)
class Editable:
    """One kind of street-work record, as its edit and archive views find it."""

    model: type[models.Model]
    perm: str  # the right the edit and archive views ask first
    may_change: Callable[[object, models.Model], bool]  # the policy's rule for the kind
    related: tuple[str, ...] = ()  # read with it, for the page and the save
    # Where the edit form of an archived record sends the user back, saying why. A kind
    # without a page of its own answers 404 for an archived record instead.
    page: str | None = None  # URL name, with the record's public id
    archived_note: str = ""

    def records(self, user) -> models.QuerySet:
        """Those the user sees (the policy's `visible_to`), with what the pages show."""
        records = self.model.objects.visible_to(user)
        if self.page is None:
            records = records.active()
        return records.select_related(*self.related)

    def get(self, request: HttpRequest, public_id: UUID) -> models.Model:
        obj = policy.get_or_404(self.records(request.user), public_id=public_id)
        if not self.may_change(request.user, obj):
            raise PermissionDenied
        return obj

    def may_edit(self, user, obj: models.Model) -> bool:
        """Offer the edit and archive buttons on the record's page?"""
        return obj.archived_at is None and self.may_change(user, obj)

    def fresh(self, obj: models.Model) -> models.Model:
        """The record as saved now, for the service that changes it (which refuses an archived
        one itself)."""
        return self.model.objects.select_related(*self.related).get(pk=obj.pk)


def edit_view(editable: Editable):
    """Decorate `view(request, record)` as the edit view of one record of `editable`."""

    def decorator(view: Callable[[HttpRequest, models.Model], HttpResponse]):
        @policy.require(editable.perm)
        @wraps(view)
        def wrapped(request: HttpRequest, public_id: UUID) -> HttpResponse:
            obj = editable.get(request, public_id)
            if obj.archived_at is not None and editable.page:
                messages.info(request, editable.archived_note)
                return redirect(editable.page, obj.public_id)
            return view(request, obj)

        return wrapped

    return decorator


def save_or_show(
    request: HttpRequest,
    form,
    write: Callable[[int], object],
    *,
    saved_to: str,
    template: str,
    context: Callable[[object | None], dict],
) -> HttpResponse:
    """Save a valid POST through `write(version)` and go to `saved_to` (a URL or its name);
    else show `template` with the form: its errors (200), or, after a stale save, what was typed
    beside the saved version (409). `context(conflict)` gives the page's other values."""
    saved, conflict = save_versioned(request, form, write)
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect(saved_to)
    return render(
        request,
        template,
        {"form": form, **context(conflict), "conflict": conflict},
        status=409 if conflict else 200,
    )


def archive_view(
    editable: Editable,
    *,
    archive: Callable[[object, models.Model], object],
    message: str,
    archived_to: str,
):
    """The POST that archives one record of `editable` through `archive(user, record)`."""

    @require_POST
    @policy.require(editable.perm)
    def view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        obj = editable.get(request, public_id)
        archive(request.user, obj)
        messages.success(request, message)
        return redirect(archived_to)

    return view
