from django.urls import path

from lien.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.home, name="home"),
    path("presences/start/", views.presence_start, name="presence_start"),
    path("presences/<uuid:public_id>/end/", views.presence_end, name="presence_end"),
    path("encounters/new/", views.encounter_new, name="encounter_new"),
    path("people/quick-create/", views.person_quick_create, name="person_quick_create"),
    path("passages/new/", views.passage_new, name="passage_new"),
]
