"""Changing or archiving a presence, an encounter or a drop-in visit afterwards.

Who may is `policy.outreach_record_editable` (another team's or organisation's record: 404;
one the user sees but may not change: 403). A stale save answers 409 with what was typed kept
and the saved version beside it. The shape is lien.outreach.editing's, as for observations and
mediations.
"""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.services import record
from lien.outreach import services_records as services
from lien.outreach.editing import Editable, archive_view, edit_view, save_or_show
from lien.outreach.forms_records import EncounterEditForm, PassageEditForm, PresenceEditForm
from lien.outreach.models import Encounter, Passage, Place, Presence, Territory, Theme
from lien.outreach.views import _search, keep_typed, searching
from lien.people.models import Person

ENCOUNTERS, PRESENCES, PASSAGES = (
    Editable(model, Perm.ADD_ENCOUNTERS, policy.outreach_record_editable, related)
    for model, related in (
        (Encounter, ("place", "presence", "team", "territory")),
        (Presence, ("team", "territory")),
        (Passage, ("team", "place", "person")),
    )
)


def _places(user):
    return Place.objects.visible_to(user).select_related("territory").order_by("name", "pk")


def _archive(editable: Editable, message: str):
    return archive_view(
        editable,
        archive=lambda user, obj: services.archive_record(by=user, obj=obj),
        message=message,
        archived_to="outreach:home",
    )


# Encounters -------------------------------------------------------------------------------


def _listed_people(request, encounter: Encounter, visible_people):
    """The people the form lists, by nickname or first name: those on the encounter whom the
    user sees, and, on a POST, those it names back (the ones added with the search)."""
    on_it = Q(pk__in=encounter.persons.values("pk"))
    if request.method == "POST":
        posted = [*request.POST.getlist("persons"), request.POST.get("add_person", "")]
        on_it |= Q(public_id__in=services.public_ids(posted))
    return visible_people.filter(on_it).order_by("nickname", "pk")


@edit_view(ENCOUNTERS)
def encounter_edit(request: HttpRequest, encounter: Encounter) -> HttpResponse:
    user = request.user
    visible_people = Person.objects.visible_to(user)
    listed = _listed_people(request, encounter, visible_people)
    # Search, or add someone found: nothing is saved, everything typed comes back.
    finding = searching(request)
    form = EncounterEditForm(
        request.POST if request.method == "POST" and not finding else None,
        encounter=encounter,
        places=_places(user),
        themes=Theme.objects.visible_to(user),
        persons=listed,
    )

    def context(conflict) -> dict:
        named = list(listed)
        if finding:
            keep_typed(form, request.POST)
            # Those ticked stay ticked, and the one added is ticked.
            ticked = {*request.POST.getlist("persons"), request.POST.get("add_person", "")}
            form.initial["persons"] = [p.public_id for p in named if str(p.public_id) in ticked]
        elif named and request.method == "GET":
            # The form shows the names of the people met: a read of personal data.
            record(action="encounter.viewed", actor=user, obj=encounter, fields=["persons"])
        search, results, query = _search(request, visible_people, request.POST if finding else None)
        return {
            "encounter": encounter,
            "genders": Encounter.Gender.choices,
            "named": named,
            "search": search,
            "results": [person for person in results if person not in named],
            "searched": query,
            "conflict_counts": list(conflict.counts.order_by("age_band", "gender"))
            if conflict
            else [],
        }

    return save_or_show(
        request,
        form,
        lambda version: services.update_encounter(
            by=user,
            encounter=ENCOUNTERS.fresh(encounter),
            version=version,
            data=form.service_data(),
            persons=form.cleaned_data["persons"],
            counts=form.cells(),
            themes=form.cleaned_data["themes"],
        ),
        saved_to="outreach:home",
        template="outreach/encounter_edit.html",
        context=context,
    )


encounter_archive = _archive(
    ENCOUNTERS, gettext_lazy("Encounter archived: it no longer counts in the figures.")
)


# Presences --------------------------------------------------------------------------------


@edit_view(PRESENCES)
def presence_edit(request: HttpRequest, presence: Presence) -> HttpResponse:
    user = request.user
    form = PresenceEditForm(
        request.POST or None,
        presence=presence,
        territories=Territory.objects.visible_to(user),
        places=_places(user),
    )
    return save_or_show(
        request,
        form,
        lambda version: services.update_presence(
            by=user,
            presence=PRESENCES.fresh(presence),
            version=version,
            data=form.service_data(),
            places=form.cleaned_data["places"],
        ),
        saved_to="outreach:home",
        template="outreach/presence_edit.html",
        context=lambda conflict: {"presence": presence},
    )


presence_archive = _archive(
    PRESENCES, gettext_lazy("Presence archived: its hours no longer count.")
)


# Drop-in visits ---------------------------------------------------------------------------


@edit_view(PASSAGES)
def passage_edit(request: HttpRequest, passage: Passage) -> HttpResponse:
    user = request.user
    form = PassageEditForm(request.POST or None, passage=passage, places=_places(user))

    def context(conflict) -> dict:
        person = None
        if passage.person_id is not None:
            person = Person.objects.visible_to(user).filter(pk=passage.person_id).first()
            if person is not None and request.method == "GET":
                record(action="passage.viewed", actor=user, obj=passage, fields=["person"])
        return {"passage": passage, "person": person}

    return save_or_show(
        request,
        form,
        lambda version: services.update_passage(
            by=user,
            passage=PASSAGES.fresh(passage),
            version=version,
            data=form.service_data(),
        ),
        saved_to="outreach:home",
        template="outreach/passage_edit.html",
        context=context,
    )


passage_archive = _archive(
    PASSAGES, gettext_lazy("Visit archived: it no longer counts in the figures.")
)
