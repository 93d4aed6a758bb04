from django.urls import path

from custodes.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read", views.mark_all_read, name="read-all"),
    path("<int:pk>/read", views.mark_read, name="read"),
]
