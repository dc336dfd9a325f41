from django.urls import path

from lien.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("<uuid:public_id>/edit/", views.project_edit, name="project_edit"),
    path("<uuid:public_id>/archive/", views.project_archive, name="project_archive"),
    path("<uuid:public_id>/activities/new/", views.activity_add, name="activity_add"),
    path("activities/<uuid:public_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
]
