"""Every page of the site, once, with the person it is for.

The page walk (test_page_walk.py) opens each of these in Chromium as that
person, in English and Spanish, on a phone and on a desktop. A new page is
added here, once; the walk fails while a page template is never reached.

A path is a format string over the world that `build()` returns, so that a
page needing a token or an id names it (`{guest_token}`, `{action.pk}`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client
from django.utils import timezone

from events import services as events
from events.models import ActionStatus, DatePrecision, GuestSignupRequest
from networks.models import Membership, Role
from networks.models.mutual_aid import AidRole, HelpRequest
from networks.models.rapid_response import Report, ResponseRole
from networks.mutual_aid import services as mutual_aid
from networks.organizations.services import create_organization, invite
from networks.rapid_response import services as rapid_response
from tests.factories import (
    ActionFactory,
    CampaignFactory,
    ShiftFactory,
    SourceDocumentFactory,
    UserFactory,
)
from tests.networks import aid_world, response_world


@dataclass(frozen=True)
class Page:
    path: str
    person: str
    template: str = ""
    axe_expected_to_fail: str = ""
    status: int = 200

    def url(self, world: dict) -> str:
        return self.path.format(**world)


PAGES = [
    # A visitor: finding and reading actions, days of action, organizations.
    Page("/", "visitor", "events/home.html"),
    Page("/actions/", "visitor", "events/action_list.html"),
    # The same list with a filter it cannot read: the error state, open.
    Page("/actions/?when=past&date_from=2026-02-31", "visitor"),
    Page("/actions/{action.slug}/", "visitor", "events/action_detail.html"),
    Page("/campaigns/", "visitor", "events/campaign_list.html"),
    Page("/campaigns/{campaign.slug}/", "visitor", "events/campaign_detail.html"),
    Page("/organizations/", "visitor", "events/organization_list.html"),
    Page(
        "/organizations/{organization.slug}/",
        "visitor",
        "events/organization_detail.html",
    ),
    Page("/places/US/WA/", "visitor", "events/place_detail.html"),
    Page("/places/US/WA/Tacoma/", "visitor", "events/place_detail.html"),
    Page("/shifts/{shift.pk}/join/", "visitor", "events/shift_join.html"),
    # A visitor: rapid response and mutual aid in public.
    Page("/rr/{network.slug}/", "visitor", "networks/rapid_response/network.html"),
    Page(
        "/rr/{network.slug}/report/",
        "visitor",
        "networks/rapid_response/report_form.html",
    ),
    Page(
        "/rr/{network.slug}/report/thanks/?code={report.tracking_code}",
        "visitor",
        "networks/rapid_response/report_thanks.html",
    ),
    Page("/rr/{network.slug}/track/", "visitor", "networks/rapid_response/track.html"),
    Page(
        "/rr/{network.slug}/rights/", "visitor", "networks/rapid_response/rights.html"
    ),
    Page(
        "/rr/{network.slug}/alerts/", "visitor", "networks/rapid_response/alerts.html"
    ),
    Page("/aid/{aid.slug}/", "visitor", "networks/mutual_aid/network.html"),
    Page("/aid/{aid.slug}/ask/", "visitor", "networks/mutual_aid/ask.html"),
    Page(
        "/aid/{aid.slug}/ask/thanks/", "visitor", "networks/mutual_aid/ask_thanks.html"
    ),
    Page(
        "/aid/{aid.slug}/funds/{fund.slug}/", "visitor", "networks/mutual_aid/fund.html"
    ),
    # A visitor: accounts.
    Page("/accounts/login/", "visitor"),
    Page("/accounts/signup/", "visitor"),
    Page("/accounts/password/reset/", "visitor"),
    Page("/accounts/login/code/", "visitor", "account/request_login_code.html"),
    Page(
        "/accounts/confirm-email/{email_key}/", "visitor", "account/email_confirm.html"
    ),
    # A guest: signed up without an account, from the e-mailed links.
    Page("/signups/confirm/{guest_request}/", "guest", "events/guest_confirm.html"),
    Page("/signups/guest/{guest_token}/", "guest", "events/guest_signup.html"),
    # A volunteer with an account.
    Page("/actions/{action.slug}/", "volunteer", "events/action_detail.html"),
    Page("/me/shifts/", "volunteer", "events/my_shifts.html"),
    Page("/me/", "volunteer", "events/my_account.html"),
    Page("/me/notifications/", "volunteer", "events/notification_preferences.html"),
    Page("/invitations/{invitation}/", "volunteer", "events/manage/invitation.html"),
    Page("/accounts/email/", "volunteer"),
    Page("/accounts/password/change/", "volunteer"),
    Page("/accounts/2fa/", "volunteer"),
    # Without a confirmed address allauth sends the person back to /accounts/2fa/
    # with a message: that state, walked.
    Page("/accounts/2fa/totp/activate/", "volunteer"),
    Page("/accounts/logout/", "volunteer", "account/logout.html"),
    # An organizer.
    Page("/manage/", "organizer", "events/manage/dashboard.html"),
    Page(
        "/manage/o/{organization.slug}/",
        "organizer",
        "events/manage/organization.html",
    ),
    Page(
        "/manage/o/{organization.slug}/actions/new/",
        "organizer",
        "events/manage/action_form.html",
    ),
    Page(
        "/manage/o/{organization.slug}/campaigns/new/",
        "organizer",
        "events/manage/campaign_form.html",
    ),
    Page(
        "/manage/campaigns/{campaign.slug}/",
        "organizer",
        "events/manage/campaign.html",
    ),
    Page(
        "/manage/campaigns/{campaign.slug}/edit/",
        "organizer",
        "events/manage/campaign_edit.html",
    ),
    Page("/manage/actions/{action.pk}/", "organizer", "events/manage/action.html"),
    Page(
        "/manage/actions/{action.pk}/messages/",
        "organizer",
        "events/manage/messages.html",
    ),
    Page(
        "/manage/actions/{action.pk}/shifts/new/",
        "organizer",
        "events/manage/shift_form.html",
    ),
    Page("/manage/shifts/{shift.pk}/", "organizer", "events/manage/shift_form.html"),
    Page("/manage/shifts/{shift.pk}/roster/", "organizer", "events/manage/roster.html"),
    # Rapid response: the people who run a network and answer its alerts.
    Page(
        "/rr/new/{organization.slug}/",
        "organizer",
        "networks/rapid_response/network_form.html",
    ),
    Page("/rr/{network.slug}/desk/", "dispatcher", "networks/rapid_response/desk.html"),
    Page(
        "/rr/{network.slug}/reports/{report.pk}/",
        "dispatcher",
        "networks/rapid_response/report.html",
    ),
    Page(
        "/rr/{network.slug}/on-call/",
        "dispatcher",
        "networks/rapid_response/on_call.html",
    ),
    Page(
        "/rr/{network.slug}/on-call/",
        "responder",
        "networks/rapid_response/on_call.html",
    ),
    Page("/rr/alerts/{alert.pk}/", "responder", "networks/rapid_response/alert.html"),
    Page(
        "/rr/{network.slug}/setup/",
        "network admin",
        "networks/rapid_response/setup.html",
    ),
    Page("/rr/{network.slug}/setup/erase/", "network admin", "networks/erase.html"),
    Page(
        "/rr/{network.slug}/setup/erase/",
        "network admin without two-factor",
        "networks/erase_two_factor.html",
        status=403,
    ),
    Page("/accounts/2fa/", "network admin"),
    Page(
        "/rr/{network.slug}/desk/",
        "dispatcher without two-factor",
        "networks/rapid_response/two_factor.html",
        status=403,
    ),
    # Mutual aid: coordinators and helpers.
    Page(
        "/aid/new/{organization.slug}/",
        "organizer",
        "networks/mutual_aid/network_form.html",
    ),
    Page(
        "/aid/{aid.slug}/coordinate/",
        "coordinator",
        "networks/mutual_aid/coordinate.html",
    ),
    Page(
        "/aid/{aid.slug}/requests/{help_request.pk}/",
        "coordinator",
        "networks/mutual_aid/request.html",
    ),
    Page(
        "/aid/{aid.slug}/manage-funds/", "coordinator", "networks/mutual_aid/funds.html"
    ),
    Page("/aid/{aid.slug}/setup/", "aid admin", "networks/mutual_aid/setup.html"),
    Page("/aid/{aid.slug}/setup/erase/", "aid admin", "networks/erase.html"),
    Page("/aid/{aid.slug}/board/", "helper", "networks/mutual_aid/board.html"),
    Page(
        "/aid/{aid.slug}/coordinate/",
        "coordinator without two-factor",
        "networks/mutual_aid/two_factor.html",
        status=403,
    ),
]

# Templates that are parts of pages or messages, not pages of their own.
NOT_PAGES = (
    "admin/",
    "forms/",
    "includes/",
    "/email/",
    "networks/mutual_aid/progress.html",
    "networks/mutual_aid/request_rows.html",
    # allauth's layouts and elements: parts of every account page above.
    "allauth/layouts/",
    "allauth/elements/",
    # Reached only half-way through logging in (a code mailed, or the second
    # factor asked for): tests/test_account_pages.py renders both in the
    # site's layout, in both languages, without a browser.
    "account/confirm_login_code.html",
    "mfa/authenticate.html",
    # allauth asks for the password again before these (a session the walk
    # opens has no fresh login); tests/browser/test_accounts.py goes through
    # both in the browser, and tests/test_account_pages.py renders them.
    "mfa/totp/activate_form.html",
    "mfa/recovery_codes/index.html",
)

LONG_NAME = (
    "Coalición de Organizaciones Comunitarias por los Derechos de las Personas "
    "Inmigrantes del Noroeste del Pacífico"
)


def build() -> dict:
    """One world holding every page's object, with long names and free text
    so that the widest real content is on the page."""
    organizer = UserFactory(email="organizer@example.org", first_name="Olga")
    organization = create_organization(user=organizer, name=LONG_NAME, kind="coalition")
    campaign = CampaignFactory(name="Día nacional de acción por las familias")
    campaign.organizers.add(organization)
    source = SourceDocumentFactory()
    action = ActionFactory(
        title="Vigilia y conferencia de prensa frente al centro de detención",
        organizers=[organization],
        campaign=campaign,
        status=ActionStatus.PUBLISHED,
        date_precision=DatePrecision.DATETIME,
        starts_at=timezone.now() + dt.timedelta(days=6),
        start_date=(timezone.now() + dt.timedelta(days=6)).date(),
        venue="Iglesia de Todas las Personas, salón comunitario",
        address="1801 East Portland Avenue",
    )
    action.sources.add(source)
    shift = ShiftFactory(action=action, places=2)
    ShiftFactory(action=action, role="medic", places=1)
    volunteer = UserFactory(email="volunteer@example.org", first_name="Vero")
    events.sign_up(shift_id=shift.pk, volunteer=volunteer)
    request = events.request_guest_signup(
        shift_id=shift.pk, name="Gabriela Guest", email="guest@example.org"
    )
    second = events.request_guest_signup(
        shift_id=shift.pk, name="Gil Guest", email="gil@example.org"
    )
    guest_signup = events.confirm_guest_signup(token=second.token)
    invitation = invite(
        organization=organization,
        email=volunteer.email,
        role=Role.MEMBER,
        actor=organizer,
    )
    response = response_world.build()
    people = response["people"]
    people["dispatcher without two-factor"] = response_world.member_with(
        response["network"],
        ResponseRole.DISPATCHER,
        email="dispatch-no-mfa@example.org",
        mfa=False,
    )
    unsafe_admin = UserFactory(email="admin-no-mfa@example.org")
    Membership.objects.create(
        organization=response["network"].organization,
        user=unsafe_admin,
        role=Role.ADMIN,
    )
    newcomer = UserFactory(email="newcomer@example.org")
    unconfirmed = EmailAddress.objects.create(
        user=newcomer, email=newcomer.email, verified=False, primary=True
    )
    aid = aid_world.build()
    aid_people = aid["people"]
    unsafe = aid_world.in_org(aid["network"].organization, "coord-no-mfa@example.org")
    mutual_aid.give_role(network=aid["network"], user=unsafe, role=AidRole.COORDINATOR)
    client = Client()
    client.post(f"/rr/{response['network'].slug}/report/", response_world.report_data())
    report = Report.objects.get()
    rapid_response.dispatch(report=report)
    client.post(f"/aid/{aid['network'].slug}/ask/", aid_world.ask_data())
    help_request = HelpRequest.objects.get()
    mutual_aid.publish(help_request=help_request)
    fund = mutual_aid.create_fund(
        network=aid["network"],
        values={"name": "Fondo de fianzas", "kind": "bond", "goal": Decimal("5000")},
    )
    mutual_aid.add_pledge(fund=fund, amount=Decimal("1000"), label="Parroquia")
    return {
        "organization": organization,
        "campaign": campaign,
        "action": action,
        "shift": shift,
        "guest_request": GuestSignupRequest.objects.get(pk=request.pk).token,
        "guest_token": guest_signup.manage_token,
        "invitation": invitation.token,
        "email_key": EmailConfirmationHMAC(unconfirmed).key,
        "network": response["network"],
        "report": report,
        "alert": report.alerts.get(responder=people["responder"]),
        "aid": aid["network"],
        "help_request": help_request,
        "fund": fund,
        "people": {
            "visitor": None,
            "guest": None,
            "volunteer": volunteer,
            "organizer": organizer,
            "dispatcher": people["dispatcher"],
            "dispatcher without two-factor": people["dispatcher without two-factor"],
            "responder": people["responder"],
            "network admin": response_world.with_mfa(people["admin"]),
            "network admin without two-factor": unsafe_admin,
            "coordinator": aid_people["coordinator"],
            "coordinator without two-factor": unsafe,
            "helper": aid_people["driver"],
            "aid admin": response_world.with_mfa(aid_people["admin"]),
        },
    }
