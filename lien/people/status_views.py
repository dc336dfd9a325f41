"""The status of a file: left the active file, archived, back to active."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.core.versioning import EditConflict
from lien.people import services
from lien.people.forms import LeftForm, VersionForm
from lien.people.models import Person
from lien.people.views import _person_or_404


def _conflict_message() -> str:
    return _(
        "Someone changed this file while you were looking at it; nothing was changed. "
        "Here is the file as it is now."
    )


@policy.require(Perm.EDIT_PERSONS)
def person_mark_left(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = LeftForm(
        request.POST or None,
        initial={"left_on": timezone.localdate(), "version": person.version},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_left(
                by=request.user,
                person=Person.objects.get(pk=person.pk),
                version=form.cleaned_data["version"],
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as exc:
            conflict = True
            person = exc.current
            form.add_error(None, _conflict_message())
            form.data = form.data.copy()
            form.data["version"] = person.version
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The file is marked as left."))
            return redirect("people:person_detail", public_id=person.public_id)
    return render(
        request,
        "people/person_left.html",
        {"form": form, "person": person, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _one_button(request, public_id: UUID, service, done: str) -> HttpResponse:
    person = _person_or_404(request, public_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: reload the file and try again."))
    else:
        try:
            service(by=request.user, person=person, version=form.cleaned_data["version"])
        except EditConflict:
            messages.error(request, _conflict_message())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    return redirect("people:person_detail", public_id=person.public_id)


@require_POST
@policy.require(Perm.EDIT_PERSONS)
def person_archive(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _one_button(request, public_id, services.archive_person, _("The file is archived."))


@require_POST
@policy.require(Perm.EDIT_PERSONS)
def person_reactivate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _one_button(
        request, public_id, services.reactivate_person, _("The file is active again.")
    )
