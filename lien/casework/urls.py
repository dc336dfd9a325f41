from django.urls import path

from lien.casework import views, views_agenda, views_documents, views_pathways, views_referrals

app_name = "casework"

urlpatterns = [
    path("people/<uuid:public_id>/journal/new/", views.journal_add, name="journal_add"),
    path("people/<uuid:public_id>/timeline/", views.person_timeline, name="timeline"),
    path(
        "people/<uuid:public_id>/procedures/new/", views.procedure_create, name="procedure_create"
    ),
    path("procedures/<uuid:public_id>/", views.procedure_edit, name="procedure_edit"),
    path(
        "people/<uuid:public_id>/referrals/new/",
        views_referrals.referral_create,
        name="referral_create",
    ),
    path("referrals/<uuid:public_id>/", views_referrals.referral_edit, name="referral_edit"),
    path("people/<uuid:public_id>/consents/new/", views_referrals.consent_add, name="consent_add"),
    path(
        "consents/<uuid:public_id>/withdraw/",
        views_referrals.consent_withdraw,
        name="consent_withdraw",
    ),
    path("people/<uuid:public_id>/circle/new/", views_referrals.circle_add, name="circle_add"),
    path("circle/<uuid:public_id>/", views_referrals.circle_edit, name="circle_edit"),
    path("circle/<uuid:public_id>/archive/", views_referrals.circle_archive, name="circle_archive"),
]

# Appointments, the agenda and the calendar link.
urlpatterns += [
    path("agenda/", views_agenda.agenda, name="agenda"),
    path("agenda/day/", views_agenda.agenda_day, name="agenda_day"),
    path("agenda/new/", views_agenda.appointment_create, name="appointment_create"),
    path(
        "people/<uuid:public_id>/appointments/new/",
        views_agenda.appointment_create_for_person,
        name="appointment_create_for_person",
    ),
    path("appointments/<uuid:public_id>/", views_agenda.appointment_edit, name="appointment_edit"),
    path(
        "appointments/<uuid:public_id>/status/",
        views_agenda.appointment_status,
        name="appointment_status",
    ),
    path("calendar-link/", views_agenda.calendar_link, name="calendar_link"),
    path(
        "calendar-link/revoke/",
        views_agenda.calendar_link_revoke,
        name="calendar_link_revoke",
    ),
    path("calendar/<str:token>.ics", views_agenda.calendar_feed_view, name="calendar_feed"),
]

# Documents.
urlpatterns += [
    path("people/<uuid:public_id>/documents/", views_documents.document_list, name="document_list"),
    path(
        "people/<uuid:public_id>/documents/new/",
        views_documents.document_upload,
        name="document_upload",
    ),
    path(
        "documents/<uuid:public_id>/", views_documents.document_download, name="document_download"
    ),
    path(
        "documents/<uuid:public_id>/archive/",
        views_documents.document_archive,
        name="document_archive",
    ),
    path("pathways/", views_pathways.pathway_list, name="pathway_list"),
    path("pathways/new/", views_pathways.pathway_create, name="pathway_create"),
    path("pathways/<uuid:public_id>/", views_pathways.pathway_edit, name="pathway_edit"),
    path(
        "pathways/<uuid:public_id>/archive/",
        views_pathways.pathway_archive,
        name="pathway_archive",
    ),
    path(
        "people/<uuid:public_id>/follow-ups/new/",
        views_pathways.follow_up_open,
        name="follow_up_open",
    ),
    path("follow-ups/<uuid:public_id>/end/", views_pathways.follow_up_end, name="follow_up_end"),
]
