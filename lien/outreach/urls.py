from django.urls import path

from lien.outreach import (
    views,
    views_counters,
    views_figures,
    views_observations,
    views_records,
    views_vocabulary,
)

app_name = "outreach"

urlpatterns = [
    path("", views.home, name="home"),
    path("presences/start/", views.presence_start, name="presence_start"),
    path("presences/<uuid:public_id>/end/", views.presence_end, name="presence_end"),
    path("encounters/new/", views.encounter_new, name="encounter_new"),
    path("passages/new/", views.passage_new, name="passage_new"),
    path("observations/", views_observations.observation_list, name="observation_list"),
    path("observations/new/", views_observations.observation_new, name="observation_new"),
    path(
        "observations/<uuid:public_id>/",
        views_observations.observation_detail,
        name="observation_detail",
    ),
    path(
        "observations/<uuid:public_id>/edit/",
        views_observations.observation_edit,
        name="observation_edit",
    ),
    path(
        "observations/<uuid:public_id>/archive/",
        views_observations.observation_archive,
        name="observation_archive",
    ),
    path("mediations/", views_observations.mediation_list, name="mediation_list"),
    path("mediations/new/", views_observations.mediation_new, name="mediation_new"),
    path(
        "mediations/<uuid:public_id>/", views_observations.mediation_detail, name="mediation_detail"
    ),
    path(
        "mediations/<uuid:public_id>/edit/",
        views_observations.mediation_edit,
        name="mediation_edit",
    ),
    path(
        "mediations/<uuid:public_id>/archive/",
        views_observations.mediation_archive,
        name="mediation_archive",
    ),
    path(
        "mediations/<uuid:public_id>/follow-up-done/",
        views_observations.mediation_follow_up_done,
        name="mediation_follow_up_done",
    ),
    path("counters/", views_counters.counters, name="counters"),
    path("counters/types/", views_counters.counter_type_list, name="counter_type_list"),
    path("counters/types/new/", views_counters.counter_type_create, name="counter_type_create"),
    path(
        "counters/types/<uuid:public_id>/edit/",
        views_counters.counter_type_edit,
        name="counter_type_edit",
    ),
    path(
        "counters/types/<uuid:public_id>/archive/",
        views_counters.counter_type_archive,
        name="counter_type_archive",
    ),
    # Afterwards: change or archive a presence, an encounter, a visit.
    path("presences/<uuid:public_id>/edit/", views_records.presence_edit, name="presence_edit"),
    path(
        "presences/<uuid:public_id>/archive/",
        views_records.presence_archive,
        name="presence_archive",
    ),
    path("encounters/<uuid:public_id>/edit/", views_records.encounter_edit, name="encounter_edit"),
    path(
        "encounters/<uuid:public_id>/archive/",
        views_records.encounter_archive,
        name="encounter_archive",
    ),
    path("passages/<uuid:public_id>/edit/", views_records.passage_edit, name="passage_edit"),
    path(
        "passages/<uuid:public_id>/archive/",
        views_records.passage_archive,
        name="passage_archive",
    ),
    # Figures: neighbourhoods, a neighbourhood, a place, the map.
    path("neighbourhoods/", views_figures.overview, name="overview"),
    path("neighbourhoods/<uuid:public_id>/", views_figures.territory_page, name="territory_page"),
    path("places/<uuid:public_id>/", views_figures.place_page, name="place_page"),
    path("map/", views_figures.place_map, name="map"),
    # The vocabularies: neighbourhoods, places, themes.
    *[
        path(
            f"manage/{segment}/{route}",
            getattr(views_vocabulary, f"{prefix}_{verb}"),
            name=f"{prefix}_{verb}",
        )
        for segment, prefix in (
            ("neighbourhoods", "territory"),
            ("places", "place"),
            ("themes", "theme"),
        )
        for route, verb in (
            ("", "list"),
            ("new/", "create"),
            ("<uuid:public_id>/edit/", "edit"),
            ("<uuid:public_id>/archive/", "archive"),
            ("<uuid:public_id>/restore/", "restore"),
        )
    ],
]
