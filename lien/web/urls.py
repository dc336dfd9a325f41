from django.urls import path

from lien.casework.today import SECTIONS
from lien.web import views

app_name = "web"

urlpatterns = [
    path("", views.today, name="today"),
    *(
        path(f"today/{slug}/", views.today_list, {"section": slug}, name=section.route_name)
        for slug, section in SECTIONS.items()
    ),
    path("health/", views.health, name="health"),
]
