from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("lien.web.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("lien.people.urls")),
    path("partners/", include("lien.partners.urls")),
    path("casework/", include("lien.casework.urls")),
    path("outreach/", include("lien.outreach.urls")),
    path("projects/", include("lien.projects.urls")),
    path("team/", include("lien.teamwork.urls")),
    path("admin/custom-fields/", include("lien.customfields.urls")),
    path("admin/", include("lien.accounts.urls")),
    path("admin/audit/", include("lien.audit.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]

handler400 = "lien.web.views.bad_request"
handler403 = "lien.web.views.permission_denied"
handler404 = "lien.web.views.page_not_found"
handler500 = "lien.web.views.server_error"
