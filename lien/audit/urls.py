from django.urls import path, re_path

from lien.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    re_path(
        r"^(?P<object_type>[a-z_]{1,30}\.[a-z_]{1,30})/(?P<object_id>[0-9a-f\-]{36})/$",
        views.object_history,
        name="object_history",
    ),
    re_path(
        r"^changes/(?P<object_type>[a-z_]{1,30}\.[a-z_]{1,30})/(?P<object_id>[0-9a-f\-]{36})/$",
        views.record_history,
        name="record_history",
    ),
]
