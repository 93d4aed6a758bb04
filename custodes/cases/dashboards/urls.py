"""The dashboards' pages, at /dashboard/ (joined into custodes.cases.urls), and each chart's SVG image."""

from django.urls import URLPattern, URLResolver, path

from custodes.cases.dashboards import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/charts/<slug:name>.svg", views.chart, name="dashboard-chart"),
]
