"""Estate pages, under /estate/. Objects are addressed by their natural keys (NOMIS code, unit code, cell
label, prison number, staff number), which people read and quote; the model constrains them to characters
that need no escaping in a path."""

from django.urls import path

from custodes.estate import views

app_name = "estate"

urlpatterns = [
    path("establishments/", views.establishment_list, name="establishment-list"),
    path("establishments/<str:code>/", views.establishment_detail, name="establishment-detail"),
    path("establishments/<str:code>/units/<str:unit_code>/", views.unit_detail, name="unit-detail"),
    path(
        "establishments/<str:code>/units/<str:unit_code>/cells/<str:label>/",
        views.cell_detail,
        name="cell-detail",
    ),
    path("prisoners/", views.prisoner_list, name="prisoner-list"),
    path("prisoners/<str:prison_number>/", views.prisoner_detail, name="prisoner-detail"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<str:staff_number>/", views.staff_detail, name="staff-detail"),
]
