from django.urls import path

from lien.casework import views, views_referrals

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
