"""What happened where: the neighbourhoods' overview, a neighbourhood's page, a place's page,
and the map of places with recent activity. Figures are of the user's teams only."""

from functools import wraps
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override

from lien.access import policy
from lien.access.policy import Perm
from lien.outreach import figures, mapping
from lien.outreach.forms_records import PRESET_DAYS, PeriodForm
from lien.outreach.models import Encounter, Mediation, Observation, Place, Presence, Territory
from lien.outreach.views import _counted, _named

RECENT = 10  # observations, mediations, presences on a place's page
ENCOUNTERS_PER_PAGE = 20


def _period(request):
    form = PeriodForm(request.GET or None)
    return form, form.period()


def _period_context(request, form, period) -> dict:
    return {
        "period_form": form,
        "period": period,
        "presets": PRESET_DAYS,
        "preset": request.GET.get("days", "" if request.GET.get("start") else "90"),
    }


@policy.require(Perm.VIEW_OUTREACH)
def overview(request: HttpRequest) -> HttpResponse:
    """Every neighbourhood with its figures over the period (90 days unless chosen)."""
    form, period = _period(request)
    territories = Territory.objects.visible_to(request.user).active().order_by("name_fr", "pk")
    rows = figures.overview(request.user, territories, period)
    return render(
        request,
        "outreach/overview.html",
        {"territories": rows, **_period_context(request, form, period)},
    )


@policy.require(Perm.VIEW_OUTREACH)
def territory_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A neighbourhood over a period: presence, people met, themes, observations, mediations,
    visits, its places, and encounters per week as a chart with its table."""
    territory = policy.get_or_404(Territory.objects.visible_to(request.user), public_id=public_id)
    form, period = _period(request)
    data = figures.territory_figures(request.user, territory, period)
    bars, top = figures.week_bars(data.weeks)
    return render(
        request,
        "outreach/territory_page.html",
        {
            "territory": territory,
            "figures": data,
            "genders": figures.Encounter.Gender.choices,
            "bars": bars,
            "top": top,
            "chart": {
                "width": figures.CHART_WIDTH,
                "height": figures.CHART_HEIGHT,
                "base": figures.CHART_HEIGHT - figures.LABEL_ROOM,
            },
            "can_see_mediations": policy.has_perm(request.user, Perm.RECORD_MEDIATIONS),
            **_period_context(request, form, period),
        },
    )


@policy.require(Perm.VIEW_OUTREACH)
def place_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A place's recent activity: encounters (counts only, never names), observations,
    mediations and the presences that visited it."""
    user = request.user
    place = policy.get_or_404(
        Place.objects.visible_to(user).select_related("territory"), public_id=public_id
    )
    period = figures.Period.last_days()
    encounters = (
        Encounter.objects.visible_to(user)
        .active()
        .filter(place=place)
        .select_related("team")
        .annotate(people=_counted, named=_named)
        .order_by("-occurred_at", "-pk")
    )
    page = Paginator(encounters, ENCOUNTERS_PER_PAGE).get_page(request.GET.get("page"))
    observations = list(
        Observation.objects.visible_to(user)
        .active()
        .filter(place=place)
        .order_by("-observed_at", "-pk")[:RECENT]
    )
    mediations = list(
        Mediation.objects.visible_to(user)
        .active()
        .filter(place=place)
        .order_by("-occurred_at", "-pk")[:RECENT]
    )
    presences = list(
        Presence.objects.visible_to(user)
        .active()
        .filter(places=place)
        .select_related("team")
        .order_by("-started_at", "-pk")[:RECENT]
    )
    return render(
        request,
        "outreach/place_page.html",
        {
            "place": place,
            "figures": figures.place_figures(user, place, period),
            "genders": figures.Encounter.Gender.choices,
            "page": page,
            "observations": observations,
            "mediations": mediations,
            "presences": presences,
            "can_see_mediations": policy.has_perm(user, Perm.RECORD_MEDIATIONS),
            "can_manage": policy.has_perm(user, Perm.MANAGE_TERRITORIES),
        },
    )


def _map_csp[F](view: F) -> F:
    """The site's CSP plus the tile host when one is configured, read at each request."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return csp_override(mapping.map_csp())(view)(request, *args, **kwargs)

    return wrapped


@_map_csp
@policy.require(Perm.VIEW_OUTREACH)
def place_map(request: HttpRequest) -> HttpResponse:
    """Places with activity in the period, on a map when a tile server is configured (only
    those with coordinates), always as a list with their counts."""
    form, period = _period(request)
    places = figures.places_with_counts(request.user, period)
    active = sorted(
        (p for p in places if p.active_in_period),
        key=lambda p: (-p.encounter_count, -p.observation_count, p.name),
    )
    markers = [
        {
            "name": place.name,
            "lat": float(place.latitude),
            "lng": float(place.longitude),
            "url": reverse("outreach:place_page", args=[place.public_id]),
            "encounters": place.encounter_count,
            "people": place.people_count,
            "summary": _(
                "%(encounters)d encounters, %(people)d people met, %(observations)d observations"
            )
            % {
                "encounters": place.encounter_count,
                "people": place.people_count,
                "observations": place.observation_count,
            },
        }
        for place in active
        if place.has_coordinates
    ]
    tile_url = mapping.tile_url()
    return render(
        request,
        "outreach/map.html",
        {
            "active": active,
            "quiet": [p for p in places if not p.active_in_period],
            "markers": markers,
            "tile_url": tile_url,
            "attribution": settings.LIEN_MAP_ATTRIBUTION if tile_url else "",
            **_period_context(request, form, period),
        },
    )
