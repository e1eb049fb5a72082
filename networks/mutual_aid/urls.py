from django.urls import path

from networks.mutual_aid import views

app_name = "aid"

R = "<slug:slug>/requests/<int:help_request_id>"

urlpatterns = [
    path("new/<slug:organization>/", views.network_new, name="network-new"),
    path("<slug:slug>/", views.network_page, name="network"),
    path("<slug:slug>/ask/", views.ask, name="ask"),
    path("<slug:slug>/ask/thanks/", views.ask_thanks, name="ask-thanks"),
    path("<slug:slug>/funds/<slug:fund_slug>/", views.fund_page, name="fund"),
    path("<slug:slug>/board/", views.board, name="board"),
    path("<slug:slug>/offers/", views.offer_add, name="offer-add"),
    path(
        "<slug:slug>/offers/<int:offer_id>/stop/", views.offer_stop, name="offer-stop"
    ),
    path(f"{R}/claim/", views.claim, name="claim"),
    path(f"{R}/fulfil/", views.fulfil, name="fulfil"),
    path(f"{R}/release/", views.release, name="release"),
    path("<slug:slug>/coordinate/", views.coordinate, name="coordinate"),
    path(f"{R}/", views.help_request_detail, name="request"),
    path(f"{R}/publish/", views.publish, name="publish"),
    path(f"{R}/close/", views.close, name="close"),
    path(f"{R}/assign/", views.assign, name="assign"),
    path("<slug:slug>/export.csv", views.export, name="export"),
    path("<slug:slug>/manage-funds/", views.funds, name="funds"),
    path("<slug:slug>/manage-funds/new/", views.fund_add, name="fund-add"),
    path(
        "<slug:slug>/manage-funds/<int:fund_id>/pledges/",
        views.pledge_add,
        name="pledge-add",
    ),
    path(
        "<slug:slug>/pledges/<int:pledge_id>/payments/",
        views.payment_add,
        name="payment-add",
    ),
    path("<slug:slug>/setup/", views.setup, name="setup"),
    path("<slug:slug>/setup/network/", views.setup_network, name="setup-network"),
    path("<slug:slug>/setup/roles/", views.role_give, name="role-give"),
    path("<slug:slug>/setup/erase/", views.setup_erase, name="setup-erase"),
    path(
        "<slug:slug>/setup/roles/<int:member_id>/remove/",
        views.role_remove,
        name="role-remove",
    ),
]
