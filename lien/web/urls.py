from django.urls import path

from lien.web import views

app_name = "web"

urlpatterns = [
    path("", views.today, name="today"),
    path("health/", views.health, name="health"),
]
