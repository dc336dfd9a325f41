from django.urls import path

from lien.teamwork import views

app_name = "teamwork"

urlpatterns = [
    path("", views.home, name="home"),
    path("<uuid:public_id>/meetings/", views.meeting_list, name="meeting_list"),
    path("<uuid:public_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<uuid:public_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:public_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:public_id>/archive/", views.meeting_archive, name="meeting_archive"),
    path("meetings/<uuid:public_id>/decisions/new/", views.decision_add, name="decision_add"),
    path("meetings/<uuid:public_id>/actions/new/", views.action_add, name="action_add"),
    path("actions/<uuid:public_id>/done/", views.action_done, name="action_done"),
    path("<uuid:public_id>/reports/", views.report_list, name="report_list"),
    path("<uuid:public_id>/reports/new/", views.report_create, name="report_create"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:public_id>/edit/", views.report_edit, name="report_edit"),
    path("<uuid:public_id>/liaison/", views.liaison, name="liaison"),
]
