from django.urls import include, path

from custodes.api.urls import api
from custodes.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("custodes.accounts.urls")),
    path("estate/", include("custodes.estate.urls")),
    path("audit/", include("custodes.audit.urls")),
    path("reports/", include("custodes.reporting.handling.urls")),
    path("notifications/", include("custodes.notifications.urls")),
    # Triage (/triage/), cases (/cases/), evidence and access tracing (/access/).
    path("", include("custodes.cases.urls")),
    # The public reporting journey, follow-up and kiosk, at /report and /report/... (no account, no cookies).
    path("", include("custodes.reporting.public.urls")),
    path("", include("custodes.web.urls")),
]

handler403 = "custodes.web.views.error_403"
handler404 = "custodes.web.views.error_404"
handler500 = "custodes.web.views.error_500"
