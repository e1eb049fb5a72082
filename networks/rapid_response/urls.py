from django.urls import path

from networks.rapid_response import views

app_name = "networks"

urlpatterns = [
    path("new/<slug:organization>/", views.network_new, name="network-new"),
    path("alerts/<int:alert_id>/", views.alert_page, name="alert"),
    path("<slug:slug>/", views.network_page, name="network"),
    path("<slug:slug>/report/", views.report_form, name="report-form"),
    path("<slug:slug>/report/thanks/", views.report_thanks, name="report-thanks"),
    path("<slug:slug>/track/", views.track, name="track"),
    path("<slug:slug>/rights/", views.rights, name="rights"),
    path("<slug:slug>/alerts/", views.alerts_page, name="alerts"),
    path("<slug:slug>/alerts.rss", views.alerts_feed, name="alerts-feed"),
    path("<slug:slug>/desk/", views.desk, name="desk"),
    path("<slug:slug>/desk/reports/", views.desk_reports, name="desk-reports"),
    path("<slug:slug>/intake/", views.intake, name="intake"),
    path("<slug:slug>/on-call/", views.on_call, name="on-call"),
    path(
        "<slug:slug>/on-call/<int:slot_id>/take/",
        views.on_call_take,
        name="on-call-take",
    ),
    path(
        "<slug:slug>/on-call/<int:slot_id>/leave/",
        views.on_call_leave,
        name="on-call-leave",
    ),
    path("<slug:slug>/setup/", views.setup, name="setup"),
    path(
        "<slug:slug>/setup/trainings/",
        views.setup_training,
        name="setup-training",
    ),
    path("<slug:slug>/setup/roles/", views.setup_role_give, name="setup-role-give"),
    path("<slug:slug>/setup/erase/", views.setup_erase, name="setup-erase"),
    path(
        "<slug:slug>/setup/roles/remove/",
        views.setup_role_remove,
        name="setup-role-remove",
    ),
    path("<slug:slug>/reports/<int:report_id>/", views.report_detail, name="report"),
    path(
        "<slug:slug>/reports/<int:report_id>/photos/<int:photo_id>/",
        views.report_photo,
        name="report-photo",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/verify/",
        views.report_verify,
        name="report-verify",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/start/",
        views.report_start,
        name="report-start",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/dispatch/",
        views.report_dispatch,
        name="report-dispatch",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/status/",
        views.report_status,
        name="report-status",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/note/",
        views.report_note,
        name="report-note",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/outcome/",
        views.report_outcome,
        name="report-outcome",
    ),
    path(
        "<slug:slug>/reports/<int:report_id>/help/",
        views.report_help,
        name="report-help",
    ),
]
