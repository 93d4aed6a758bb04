"""Public pages: /report (web) and /report/kiosk (wing terminals). Included at the site's root by config/urls.py.

The kiosk's pages are the web journey's views with ``kiosk=True``: the same questions (fewer of them), its own
layout, channel and short-lived state.
"""

from django.urls import path

from custodes.reporting.public import views_files, views_follow_up, views_journey, views_send, views_start

app_name = "public"

KIOSK = {"kiosk": True}

urlpatterns = [
    path("report", views_start.start_view, name="start"),
    path("report/follow-up", views_follow_up.follow_up_view, name="follow-up"),
    path("report/follow-up/add", views_follow_up.follow_up_add_view, name="follow-up-add"),
    path("report/follow-up/seal", views_follow_up.follow_up_seal_view, name="follow-up-seal"),
    path("report/files", views_files.files_view, name="files"),
    path("report/check-your-answers", views_send.check_view, name="check"),
    path("report/send", views_send.send_view, name="send"),
    path("report/confirmation", views_send.confirmation_view, name="confirmation"),
    path("report/kiosk", views_start.start_view, KIOSK, name="kiosk-start"),
    path("report/kiosk/renew", views_start.kiosk_renew_view, name="kiosk-renew"),
    path("report/kiosk/follow-up", views_follow_up.follow_up_view, KIOSK, name="kiosk-follow-up"),
    path("report/kiosk/follow-up/add", views_follow_up.follow_up_add_view, KIOSK, name="kiosk-follow-up-add"),
    path("report/kiosk/follow-up/seal", views_follow_up.follow_up_seal_view, KIOSK, name="kiosk-follow-up-seal"),
    path("report/kiosk/check-your-answers", views_send.check_view, KIOSK, name="kiosk-check"),
    path("report/kiosk/send", views_send.send_view, KIOSK, name="kiosk-send"),
    path("report/kiosk/confirmation", views_send.confirmation_view, KIOSK, name="kiosk-confirmation"),
    path("report/kiosk/<slug:slug>", views_journey.step_view, KIOSK, name="kiosk-step"),
    path("report/<slug:slug>", views_journey.step_view, name="step"),
]
