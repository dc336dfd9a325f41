from django.urls import path

from lien.accounts import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<uuid:public_id>/", views.user_detail, name="user_detail"),
    path("users/<uuid:public_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:public_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<uuid:public_id>/", views.team_detail, name="team_detail"),
    path("teams/<uuid:public_id>/archive/", views.team_archive, name="team_archive"),
    path(
        "invitation/<uuid:public_id>/<str:token>/",
        views.accept_invitation,
        name="accept_invitation",
    ),
]
