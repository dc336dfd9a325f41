"""Merging two files of the same person, from either file, and undoing it."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.services import record
from lien.casework.models import FollowUp
from lien.core.versioning import EditConflict
from lien.people import merging, services
from lien.people.forms import MergeForm, SearchForm
from lien.people.models import Person, PersonMerge
from lien.people.views import _person_or_404


def _match_data(person: Person) -> dict:
    fields = ("first_name", "last_name", "nickname", "other_names", "niss")
    data = {name: getattr(person, name) for name in fields}
    data.update(
        birth_year=person.birth_year, birth_month=person.birth_month, birth_day=person.birth_day
    )
    return data


@policy.require(Perm.MERGE_PERSONS)
def merge_choose(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The likely duplicates of this file, and a search for another one."""
    person = _person_or_404(request, public_id)
    candidates = services.find_candidates(by=request.user, data=_match_data(person), exclude=person)
    search = SearchForm(request.GET or None)
    found = None
    if search.is_valid() and search.cleaned_data["q"]:
        found = [
            other
            for other in services.search(by=request.user, query=search.cleaned_data["q"])
            if other.pk != person.pk
        ]
        record(action="person.searched", actor=request.user, object_type="people.person")
    return render(
        request,
        "people/merge_choose.html",
        {"person": person, "candidates": candidates, "search": search, "found": found},
    )


def _teams_following(keep: Person, absorb: Person) -> dict[int, list[str]]:
    teams: dict[int, list[str]] = {keep.pk: [], absorb.pk: []}
    for follow_up in (
        FollowUp.objects.open().filter(person__in=[keep, absorb]).select_related("team")
    ):
        teams[follow_up.person_id].append(follow_up.team.name)
    return {pk: sorted(set(names)) for pk, names in teams.items()}


@policy.require(Perm.MERGE_PERSONS)
def merge_confirm(request: HttpRequest, public_id: UUID, other_id: UUID) -> HttpResponse:
    """Both files side by side; the user picks each differing value, then confirms."""
    keep = _person_or_404(request, public_id)
    absorb = _person_or_404(request, other_id)
    if keep.pk == absorb.pk:
        raise Http404
    if request.method == "GET":  # both identities in full, side by side: two file reads
        services.record_file_read(by=request.user, person=keep)
        services.record_file_read(by=request.user, person=absorb)
    form = MergeForm(
        request.POST or None,
        keep=keep,
        absorb=absorb,
        show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            merging.merge_persons(
                by=request.user,
                keep=keep,
                absorb=absorb,
                choices=form.choices(),
                keep_version=form.cleaned_data["keep_version"],
                absorb_version=form.cleaned_data["absorb_version"],
            )
        except EditConflict:
            # Show both files as they are now, and let the user choose again.
            keep, absorb = Person.objects.get(pk=keep.pk), Person.objects.get(pk=absorb.pk)
            form = MergeForm(
                keep=keep,
                absorb=absorb,
                show_sensitive=policy.has_perm(request.user, Perm.VIEW_SENSITIVE),
            )
            error = _(
                "One of the two files changed while you were comparing them; nothing was "
                "merged. Check the values again."
            )
        except merging.MergeRefused as exc:
            error = exc.message
        else:
            messages.success(
                request, _("The two files are now one. The merge can be undone from this file.")
            )
            return redirect("people:person_detail", public_id=keep.public_id)
    teams = _teams_following(keep, absorb)
    return render(
        request,
        "people/merge_confirm.html",
        {
            "form": form,
            "keep": keep,
            "absorb": absorb,
            "keep_teams": teams[keep.pk],
            "absorb_teams": teams[absorb.pk],
            "new_teams": sorted(set(teams[absorb.pk]) - set(teams[keep.pk])),
            "moving": merging.linked_records(absorb),
            "error": error,
        },
        status=409 if error else 200,
    )


@policy.require(Perm.MERGE_PERSONS)
def merge_undo(request: HttpRequest, public_id: UUID) -> HttpResponse:
    merge = policy.get_or_404(
        PersonMerge.objects.visible_to(request.user).select_related(
            "kept", "absorbed", "merged_by"
        ),
        public_id=public_id,
    )
    error = None
    if request.method == "POST":
        try:
            merging.undo_merge(by=request.user, merge=merge)
        except merging.MergeRefused as exc:
            error = exc.message
        else:
            messages.success(request, _("The merge is undone: both files are back as they were."))
            return redirect("people:person_detail", public_id=merge.kept.public_id)
    return render(
        request,
        "people/merge_undo.html",
        {"merge": merge, "error": error},
        status=409 if error else 200,
    )
