"""Observations and mediations: list, new (on a phone, in the field), page, edit, archive."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lien.access import policy
from lien.access.policy import Perm
from lien.audit.services import record
from lien.customfields.models import CustomField, fields_for
from lien.customfields.sections import values_for_display
from lien.outreach import services_observations as services
from lien.outreach.editing import Editable, archive_view, edit_view, save_or_show
from lien.outreach.forms import new_token
from lien.outreach.forms_observations import ListFilterForm, MediationForm, ObservationForm
from lien.outreach.models import Mediation, Observation, Place, Territory
from lien.outreach.views import (
    _current_presence,
    _named_persons,
    _search,
    _teams,
    keep_typed,
    posted_persons,
    searching,
)
from lien.people.models import Person

PER_PAGE = 30


def _territories(user):
    return Territory.objects.visible_to(user).active()


def _places(user):
    return Place.objects.visible_to(user).active().select_related("territory")


def _where_now(user, current) -> dict:
    """Initial team, neighbourhood and place of a new record: the presence under way's."""
    teams = _teams(user)
    team = current.team if current else teams.first()
    place = current.places.order_by("name").first() if current else None
    territory = current.territory if current else None
    return {
        "client_token": new_token(),
        "team": team.public_id if team else None,
        "territory": territory.public_id if territory else None,
        "place": place.public_id if place else None,
    }


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# Observations.


_RELATED = ("team", "territory", "place", "created_by")
OBSERVATIONS = Editable(
    Observation,
    Perm.ADD_ENCOUNTERS,
    policy.observation_editable,
    _RELATED,
    page="outreach:observation_detail",
    archived_note=gettext_lazy("This observation is archived."),
)
MEDIATIONS = Editable(
    Mediation,
    Perm.RECORD_MEDIATIONS,
    policy.mediation_editable,
    _RELATED,
    page="outreach:mediation_detail",
    archived_note=gettext_lazy("This mediation is archived."),
)


def _observation_or_404(request, public_id: UUID) -> Observation:
    return policy.get_or_404(OBSERVATIONS.records(request.user), public_id=public_id)


@policy.require(Perm.VIEW_OUTREACH)
def observation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = ListFilterForm(
        request.GET or None,
        territories=_territories(user),
        places=_places(user),
        kinds=Observation.Category.choices,
    )
    observations = filters.apply(
        Observation.objects.visible_to(user)
        .active()
        .select_related("territory", "place", "team")
        .order_by("-observed_at", "-pk"),
        kind_field="category",
        date_field="observed_at",
    )
    page, query = _page(request, observations)
    return render(
        request,
        "outreach/observation_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_add": policy.has_perm(user, Perm.ADD_ENCOUNTERS),
        },
    )


@policy.require(Perm.ADD_ENCOUNTERS)
def observation_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = _current_presence(user)
    form = ObservationForm(
        request.POST or None,
        teams=_teams(user),
        territories=_territories(user),
        places=_places(user),
        custom_fields=fields_for(user, CustomField.Entity.OBSERVATION),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        presence = current if current and current.team_id == data["team"].pk else None
        try:
            _observation, created = services.record_observation(
                by=user,
                team=data["team"],
                client_token=data["client_token"] or new_token(),
                presence=presence,
                measures=data["measures_text"],
                custom_values=form.custom_data(),
                **{name: data[name] for name in ObservationForm.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, _("Observation recorded."))
            else:
                messages.info(request, _("This observation was already recorded."))
            return redirect("outreach:home")
    elif request.method != "POST":
        form.initial = {**_where_now(user, current), "category": Observation.Category.ATMOSPHERE}
    return render(
        request,
        "outreach/observation_form.html",
        {"form": form, "current": current, "new": True},
    )


@policy.require(Perm.VIEW_OUTREACH)
def observation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    observation = _observation_or_404(request, public_id)
    return render(
        request,
        "outreach/observation_detail.html",
        {
            "observation": observation,
            "custom_values": values_for_display(
                request.user, CustomField.Entity.OBSERVATION, observation
            ),
            "can_edit": OBSERVATIONS.may_edit(request.user, observation),
        },
    )


@edit_view(OBSERVATIONS)
def observation_edit(request: HttpRequest, observation: Observation) -> HttpResponse:
    user = request.user
    form = ObservationForm(
        request.POST or None,
        instance=observation,
        territories=_territories(user),
        places=_places(user),
        custom_fields=fields_for(user, CustomField.Entity.OBSERVATION),
    )
    return save_or_show(
        request,
        form,
        lambda version: services.update_observation(
            by=user,
            observation=OBSERVATIONS.fresh(observation),
            version=version,
            data=form.service_data(),
            measures=form.cleaned_data["measures_text"],
            custom_values=form.custom_data(),
        ),
        saved_to=reverse("outreach:observation_detail", args=[observation.public_id]),
        template="outreach/observation_form.html",
        context=lambda conflict: {"observation": observation},
    )


observation_archive = archive_view(
    OBSERVATIONS,
    archive=lambda user, obj: services.archive_observation(by=user, observation=obj),
    message=gettext_lazy("Observation archived: it is kept, and no longer listed."),
    archived_to="outreach:observation_list",
)


# Mediations.


def _mediation_or_404(request, public_id: UUID) -> Mediation:
    return policy.get_or_404(MEDIATIONS.records(request.user), public_id=public_id)


def _people_on(user, mediation: Mediation) -> list[Person]:
    """The people named on the mediation whom the user sees (others are not shown)."""
    return list(
        Person.objects.visible_to(user).filter(mediations=mediation).order_by("nickname", "pk")
    )


def _record_read(user, mediation: Mediation, persons: list[Person]) -> None:
    if persons:
        record(action="mediation.viewed", actor=user, obj=mediation, fields=["persons"])


@policy.require(Perm.RECORD_MEDIATIONS)
def mediation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = ListFilterForm(
        request.GET or None,
        territories=_territories(user),
        places=_places(user),
        kinds=Mediation.Nature.choices,
        kind_label=_("Nature"),
    )
    mediations = filters.apply(
        Mediation.objects.visible_to(user)
        .active()
        .select_related("territory", "place", "team")
        .order_by("-occurred_at", "-pk"),
        kind_field="nature",
        date_field="occurred_at",
    )
    page, query = _page(request, mediations)
    return render(
        request,
        "outreach/mediation_list.html",
        {"filters": filters, "page": page, "query": query},
    )


def _mediation_form_context(request, form, named, *, finding: bool) -> dict:
    visible_people = Person.objects.visible_to(request.user)
    search, results, query = _search(request, visible_people, request.POST if finding else None)
    chosen = {person.pk for person in named}
    return {
        "form": form,
        "named": named,
        "chosen_ids": [str(person.public_id) for person in named],
        "search": search,
        "results": [person for person in results if person.pk not in chosen],
        "searched": query,
    }


@policy.require(Perm.RECORD_MEDIATIONS)
def mediation_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = _current_presence(user)
    finding = searching(request)
    form = MediationForm(
        request.POST if request.method == "POST" and not finding else None,
        teams=_teams(user),
        territories=_territories(user),
        places=_places(user),
        persons=Person.objects.visible_to(user),
    )
    if finding:
        keep_typed(form, request.POST)
        named = posted_persons(user, request)
        form.initial["persons"] = [person.public_id for person in named]
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            presence = current if current and current.team_id == data["team"].pk else None
            try:
                _mediation, created = services.record_mediation(
                    by=user,
                    team=data["team"],
                    client_token=data["client_token"] or new_token(),
                    presence=presence,
                    persons=data["persons"],
                    **form.service_data(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if created:
                    messages.success(request, _("Mediation recorded."))
                else:
                    messages.info(request, _("This mediation was already recorded."))
                return redirect("outreach:home")
        named = list(form.cleaned_data.get("persons") or []) if form.is_bound else []
    else:
        named = _named_persons(user, request.GET.getlist("person"))
        form.initial = {
            **_where_now(user, current),
            "persons": [person.public_id for person in named],
        }
    context = _mediation_form_context(request, form, named, finding=finding)
    return render(
        request, "outreach/mediation_form.html", {**context, "current": current, "new": True}
    )


@policy.require(Perm.RECORD_MEDIATIONS)
def mediation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    mediation = _mediation_or_404(request, public_id)
    persons = _people_on(request.user, mediation)
    _record_read(request.user, mediation, persons)
    return render(
        request,
        "outreach/mediation_detail.html",
        {
            "mediation": mediation,
            "persons": persons,
            "hidden_persons": mediation.persons.count() - len(persons),
            "can_edit": MEDIATIONS.may_edit(request.user, mediation),
        },
    )


@edit_view(MEDIATIONS)
def mediation_edit(request: HttpRequest, mediation: Mediation) -> HttpResponse:
    user = request.user
    visible_people = Person.objects.visible_to(user)
    finding = searching(request)
    form = MediationForm(
        request.POST if request.method == "POST" and not finding else None,
        instance=mediation,
        territories=_territories(user),
        places=_places(user),
        persons=visible_people,
    )

    def context(conflict) -> dict:
        if finding:
            keep_typed(form, request.POST)
            named = posted_persons(user, request)
        elif form.is_bound:
            named = list(form.cleaned_data.get("persons") or [])
        elif "person" in request.GET or "persons_set" in request.GET:
            named = _named_persons(user, request.GET.getlist("person"))
        else:
            named = _people_on(user, mediation)
        if not form.is_bound:
            form.initial["persons"] = [person.public_id for person in named]
        _record_read(user, mediation, named)
        return {
            **_mediation_form_context(request, form, named, finding=finding),
            "mediation": mediation,
        }

    return save_or_show(
        request,
        form,
        lambda version: services.update_mediation(
            by=user,
            mediation=MEDIATIONS.fresh(mediation),
            version=version,
            data=form.service_data(),
            persons=form.cleaned_data["persons"],
        ),
        saved_to=reverse("outreach:mediation_detail", args=[mediation.public_id]),
        template="outreach/mediation_form.html",
        context=context,
    )


mediation_archive = archive_view(
    MEDIATIONS,
    archive=lambda user, obj: services.archive_mediation(by=user, mediation=obj),
    message=gettext_lazy("Mediation archived: it is kept, and no longer listed."),
    archived_to="outreach:mediation_list",
)


@require_POST
@policy.require(Perm.RECORD_MEDIATIONS)
def mediation_follow_up_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    mediation = MEDIATIONS.get(request, public_id)
    services.mark_follow_up_done(by=request.user, mediation=mediation)
    messages.success(request, _("Follow-up marked done."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("outreach:mediation_detail", mediation.public_id)
