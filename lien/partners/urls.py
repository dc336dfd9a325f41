from django.urls import path

from lien.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="partner_list"),
    path("new/", views.partner_create, name="partner_create"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/report/", views.import_report, name="import_report"),
    path("<uuid:public_id>/", views.partner_detail, name="partner_detail"),
    path("<uuid:public_id>/edit/", views.partner_edit, name="partner_edit"),
    path("<uuid:public_id>/archive/", views.partner_archive, name="partner_archive"),
    path("<uuid:public_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("contacts/<uuid:public_id>/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:public_id>/archive/", views.contact_archive, name="contact_archive"),
]
