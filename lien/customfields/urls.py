from django.urls import path

from lien.customfields import views

app_name = "customfields"

urlpatterns = [
    path("", views.field_list, name="field_list"),
    path("new/", views.field_create, name="field_create"),
    path("<uuid:public_id>/", views.field_edit, name="field_edit"),
    path("<uuid:public_id>/archive/", views.field_archive, name="field_archive"),
]
