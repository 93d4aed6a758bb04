from django.urls import path

from custodes.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
]
