from django.urls import path

from events.views import feeds, organizations, organize, public, volunteer

app_name = "events"

organizations_patterns = [
    path("manage/", organizations.dashboard, name="manage"),
    path(
        "manage/organizations/new/",
        organizations.organization_new,
        name="manage-organization-new",
    ),
    path("invitations/<str:token>/", organizations.invitation, name="invitation"),
    path(
        "manage/o/<slug:slug>/",
        organizations.organization,
        name="manage-organization",
    ),
    path(
        "manage/o/<slug:slug>/invitations/",
        organizations.invite,
        name="manage-invite",
    ),
    path(
        "manage/memberships/<int:membership_id>/",
        organizations.member_role,
        name="manage-membership",
    ),
    path(
        "manage/memberships/<int:membership_id>/remove/",
        organizations.member_remove,
        name="manage-membership-remove",
    ),
]

organize_patterns = [
    path(
        "manage/o/<slug:slug>/actions/new/",
        organize.action_new,
        name="manage-action-new",
    ),
    path(
        "manage/o/<slug:slug>/campaigns/new/",
        organize.campaign_new,
        name="manage-campaign-new",
    ),
    path(
        "manage/campaigns/<slug:slug>/",
        organize.campaign,
        name="manage-campaign",
    ),
    path(
        "manage/actions/<int:action_id>/submit/",
        organize.action_submit,
        name="manage-action-submit",
    ),
    path(
        "manage/actions/<int:action_id>/review/",
        organize.action_review,
        name="manage-action-review",
    ),
    path("manage/actions/<int:action_id>/", organize.action, name="manage-action"),
    path(
        "manage/campaigns/<slug:slug>/edit/",
        organize.campaign_edit,
        name="manage-campaign-edit",
    ),
    path(
        "manage/actions/<int:action_id>/publish/",
        organize.action_publish,
        name="manage-action-publish",
    ),
    path(
        "manage/actions/<int:action_id>/cancel/",
        organize.action_cancel,
        name="manage-action-cancel",
    ),
    path(
        "manage/actions/<int:action_id>/duplicate/",
        organize.action_duplicate,
        name="manage-action-duplicate",
    ),
    path(
        "manage/actions/<int:action_id>/messages/",
        organize.action_messages,
        name="manage-action-messages",
    ),
    path(
        "manage/actions/<int:action_id>/shifts/new/",
        organize.shift_new,
        name="manage-shift-new",
    ),
    path("manage/shifts/<int:shift_id>/", organize.shift_edit, name="manage-shift"),
    path(
        "manage/shifts/<int:shift_id>/delete/",
        organize.shift_delete,
        name="manage-shift-delete",
    ),
    path(
        "manage/shifts/<int:shift_id>/roster/",
        organize.roster,
        name="manage-roster",
    ),
    path(
        "manage/signups/<int:signup_id>/check-in/",
        organize.check_in,
        name="manage-check-in",
    ),
]

volunteer_patterns = [
    path("shifts/<int:shift_id>/signup/", volunteer.shift_signup, name="shift-signup"),
    path("shifts/<int:shift_id>/join/", volunteer.shift_join, name="shift-join"),
    path("signups/confirm/<str:token>/", volunteer.guest_confirm, name="guest-confirm"),
    path("signups/guest/<str:token>/", volunteer.guest_signup, name="guest-signup"),
    path(
        "signups/guest/<str:token>/cancel/",
        volunteer.guest_signup_cancel,
        name="guest-signup-cancel",
    ),
    path("me/shifts/", volunteer.my_shifts, name="my-shifts"),
    path("me/", volunteer.my_account, name="my-account"),
    path("me/name/", volunteer.my_name, name="my-name"),
    path(
        "me/notifications/",
        volunteer.notification_preferences,
        name="notification-preferences",
    ),
    path("me/data.json", volunteer.my_data, name="my-data"),
    path("me/delete/", volunteer.delete_account, name="delete-account"),
    path(
        "me/feed/regenerate/",
        volunteer.regenerate_feed_token,
        name="regenerate-feed-token",
    ),
    path(
        "signups/<int:signup_id>/cancel/",
        volunteer.signup_cancel,
        name="signup-cancel",
    ),
]

feed_patterns = [
    path(
        "actions/<slug:slug>/calendar.ics",
        feeds.action_calendar,
        name="action-calendar",
    ),
    path("feeds/actions.ics", feeds.feed, name="feed"),
    path(
        "feeds/private/<str:token>/shifts.ics",
        feeds.my_shifts_calendar,
        name="my-calendar",
    ),
    path(
        "feeds/private/<str:token>/organizations/<slug:slug>.ics",
        feeds.organization_private_calendar,
        name="organization-private-calendar",
    ),
    path(
        "campaigns/<slug:slug>/calendar.ics",
        feeds.campaign_calendar,
        name="campaign-calendar",
    ),
    path(
        "organizations/<slug:slug>/calendar.ics",
        feeds.organization_calendar,
        name="organization-calendar",
    ),
    path(
        "places/<str:country>/<str:region>/calendar.ics",
        feeds.place_calendar,
        name="region-calendar",
    ),
    path(
        "places/<str:country>/<str:region>/<str:city>/calendar.ics",
        feeds.place_calendar,
        name="city-calendar",
    ),
]

public_patterns = [
    path("", public.home, name="home"),
    path("actions/", public.action_list, name="action-list"),
    path("actions/<slug:slug>/", public.action_detail, name="action-detail"),
    path("campaigns/", public.campaign_list, name="campaign-list"),
    path("campaigns/<slug:slug>/", public.campaign_detail, name="campaign-detail"),
    path("organizations/", public.organization_list, name="organization-list"),
    path(
        "organizations/<slug:slug>/",
        public.organization_detail,
        name="organization-detail",
    ),
    path("places/<str:country>/<str:region>/", public.place_detail, name="region"),
    path(
        "places/<str:country>/<str:region>/<str:city>/",
        public.place_detail,
        name="city",
    ),
]

urlpatterns = [
    *organizations_patterns,
    *organize_patterns,
    *volunteer_patterns,
    *feed_patterns,
    *public_patterns,
]
