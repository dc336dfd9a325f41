from django.urls import path

from lien.casework import views

app_name = "casework"

urlpatterns = [
    path("people/<uuid:public_id>/journal/new/", views.journal_add, name="journal_add"),
    path("people/<uuid:public_id>/timeline/", views.person_timeline, name="timeline"),
    path(
        "people/<uuid:public_id>/procedures/new/", views.procedure_create, name="procedure_create"
    ),
    path("procedures/<uuid:public_id>/", views.procedure_edit, name="procedure_edit"),
]
