from django.urls import path

from custodes.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.status, name="status"),
    path("verify/", views.request_verification, name="verify"),
    path("events/", views.events, name="events"),
]
