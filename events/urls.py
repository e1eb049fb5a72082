from django.urls import path

from events import manage_views, views

app_name = "events"

manage_patterns = [
    path("manage/", manage_views.dashboard, name="manage"),
    path("invitations/<str:token>/", manage_views.invitation, name="invitation"),
    path(
        "manage/o/<slug:slug>/",
        manage_views.organization,
        name="manage-organization",
    ),
    path(
        "manage/o/<slug:slug>/actions/new/",
        manage_views.action_new,
        name="manage-action-new",
    ),
    path(
        "manage/o/<slug:slug>/campaigns/new/",
        manage_views.campaign_new,
        name="manage-campaign-new",
    ),
    path(
        "manage/campaigns/<slug:slug>/",
        manage_views.campaign,
        name="manage-campaign",
    ),
    path(
        "manage/actions/<int:action_id>/submit/",
        manage_views.action_submit,
        name="manage-action-submit",
    ),
    path(
        "manage/actions/<int:action_id>/review/",
        manage_views.action_review,
        name="manage-action-review",
    ),
    path(
        "manage/memberships/<int:membership_id>/",
        manage_views.membership,
        name="manage-membership",
    ),
    path("manage/actions/<int:action_id>/", manage_views.action, name="manage-action"),
    path(
        "manage/actions/<int:action_id>/publish/",
        manage_views.action_publish,
        name="manage-action-publish",
    ),
    path(
        "manage/actions/<int:action_id>/cancel/",
        manage_views.action_cancel,
        name="manage-action-cancel",
    ),
    path(
        "manage/actions/<int:action_id>/duplicate/",
        manage_views.action_duplicate,
        name="manage-action-duplicate",
    ),
    path(
        "manage/actions/<int:action_id>/messages/",
        manage_views.action_messages,
        name="manage-action-messages",
    ),
    path(
        "manage/actions/<int:action_id>/shifts/new/",
        manage_views.shift_new,
        name="manage-shift-new",
    ),
    path("manage/shifts/<int:shift_id>/", manage_views.shift_edit, name="manage-shift"),
    path(
        "manage/shifts/<int:shift_id>/delete/",
        manage_views.shift_delete,
        name="manage-shift-delete",
    ),
    path(
        "manage/shifts/<int:shift_id>/roster/",
        manage_views.roster,
        name="manage-roster",
    ),
    path(
        "manage/signups/<int:signup_id>/check-in/",
        manage_views.check_in,
        name="manage-check-in",
    ),
]

urlpatterns = [
    *manage_patterns,
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
    path("shifts/<int:shift_id>/join/", views.shift_join, name="shift-join"),
    path("signups/confirm/<str:token>/", views.guest_confirm, name="guest-confirm"),
    path("signups/guest/<str:token>/", views.guest_signup, name="guest-signup"),
    path("me/shifts/", views.my_shifts, name="my-shifts"),
    path("me/", views.my_account, name="my-account"),
    path(
        "me/notifications/",
        views.notification_preferences,
        name="notification-preferences",
    ),
    path("me/data.json", views.my_data, name="my-data"),
    path("me/delete/", views.delete_account, name="delete-account"),
    path(
        "me/feed/regenerate/",
        views.regenerate_feed_token,
        name="regenerate-feed-token",
    ),
    path(
        "feeds/private/<str:token>/shifts.ics",
        views.my_shifts_calendar,
        name="my-calendar",
    ),
    path(
        "feeds/private/<str:token>/organizations/<slug:slug>.ics",
        views.organization_private_calendar,
        name="organization-private-calendar",
    ),
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
