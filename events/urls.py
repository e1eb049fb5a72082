from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<slug:slug>/", views.action_detail, name="action-detail"),
    path(
        "actions/<slug:slug>/calendar.ics",
        views.action_calendar,
        name="action-calendar",
    ),
    path("feeds/actions.ics", views.feed, name="feed"),
    path("shifts/<int:shift_id>/signup/", views.shift_signup, name="shift-signup"),
    path("me/shifts/", views.my_shifts, name="my-shifts"),
    path("signups/<int:signup_id>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign-detail"),
    path(
        "campaigns/<slug:slug>/calendar.ics",
        views.campaign_calendar,
        name="campaign-calendar",
    ),
    path("organizations/", views.organization_list, name="organization-list"),
    path(
        "organizations/<slug:slug>/",
        views.organization_detail,
        name="organization-detail",
    ),
    path(
        "organizations/<slug:slug>/calendar.ics",
        views.organization_calendar,
        name="organization-calendar",
    ),
    path(
        "places/<str:country>/<str:region>/calendar.ics",
        views.place_calendar,
        name="region-calendar",
    ),
    path(
        "places/<str:country>/<str:region>/<str:city>/calendar.ics",
        views.place_calendar,
        name="city-calendar",
    ),
    path("places/<str:country>/<str:region>/", views.place_detail, name="region"),
    path(
        "places/<str:country>/<str:region>/<str:city>/",
        views.place_detail,
        name="city",
    ),
]
