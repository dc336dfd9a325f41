from django.urls import path

from lien.people import (
    document_views,
    export_views,
    merge_views,
    relation_views,
    status_views,
    views,
)

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("export/", export_views.person_export, name="person_export"),
    path("<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    # The file's status.
    path("<uuid:public_id>/left/", status_views.person_mark_left, name="person_mark_left"),
    path("<uuid:public_id>/archive/", status_views.person_archive, name="person_archive"),
    path("<uuid:public_id>/reactivate/", status_views.person_reactivate, name="person_reactivate"),
    # Identity documents.
    path("<uuid:public_id>/documents/new/", document_views.document_add, name="document_add"),
    path("documents/<uuid:public_id>/", document_views.document_edit, name="document_edit"),
    path(
        "documents/<uuid:public_id>/archive/",
        document_views.document_archive,
        name="document_archive",
    ),
    # Relations.
    path("<uuid:public_id>/relations/new/", relation_views.relation_add, name="relation_add"),
    path("relations/<uuid:public_id>/", relation_views.relation_edit, name="relation_edit"),
    path(
        "relations/<uuid:public_id>/archive/",
        relation_views.relation_archive,
        name="relation_archive",
    ),
    # Merging two files of the same person.
    path("<uuid:public_id>/merge/", merge_views.merge_choose, name="merge_choose"),
    path(
        "<uuid:public_id>/merge/<uuid:other_id>/",
        merge_views.merge_confirm,
        name="merge_confirm",
    ),
    path("merges/<uuid:public_id>/undo/", merge_views.merge_undo, name="merge_undo"),
]
