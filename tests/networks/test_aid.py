"""Mutual aid: ask -> review -> publish -> match -> claim or assign ->
fulfil -> purged to counts, with the safety rules around it (sealed contacts,
who sees what, two-factor, bad input).

Mail goes to Django's in-memory backend here; real Celery workers and a real
SMTP server are in test_aid_live.py, and the claim race in test_aid_race.py.
"""

import csv
import datetime as dt
import inspect
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from networks import sealing
from networks.models import Notification
from networks.models.mutual_aid import (
    AidCount,
    AidMember,
    AidNetwork,
    AidOffer,
    AidRole,
    ClaimMode,
    Fund,
    HelpRequest,
    Pledge,
)
from networks.mutual_aid import selectors
from networks.mutual_aid import services as mutual_aid
from networks.mutual_aid import urls as aid_urls
from networks.mutual_aid import views as aid_views
from networks.outbox import services as outbox
from tests.networks.aid_world import (
    CONTACT,
    ask_data,
    build,
    help_request_values,
    in_org,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def send_due() -> list:
    before = len(mail.outbox)
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    return mail.outbox[before:]


def ask(client, world, prefix="", **overrides):
    return client.post(
        f"{prefix}/aid/{world['network'].slug}/ask/", ask_data(**overrides)
    )


def raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM networks_helprequest WHERE id = %s", [pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_the_whole_path_from_asking_to_counts(client, world):
    people = world["people"]
    network = world["network"]
    assert ask(client, world, prefix="/es").status_code == 302
    help_request = HelpRequest.objects.get()
    assert help_request.status == "submitted" and help_request.language == "es"
    # At rest the database holds no readable contact.
    assert "555" not in raw_row(help_request.pk) and "WhatsApp" not in raw_row(
        help_request.pk
    )
    assert selectors.contact_of(help_request) == CONTACT

    client.force_login(people["coordinator"])
    page = client.get(f"/aid/{network.slug}/coordinate/").content.decode()
    assert f"{people['grocer'].email}: Groceries for a family" in page
    detail = client.get(f"/aid/{network.slug}/requests/{help_request.pk}/")
    assert CONTACT in detail.content.decode()
    client.post(f"/aid/{network.slug}/requests/{help_request.pk}/publish/")
    help_request.refresh_from_db()
    assert help_request.status == "open"
    [match, *others] = send_due()
    assert match.to == [people["grocer"].email] and not others
    assert "A request you can help with: Food, Pilsen, 60608" in match.subject
    assert "555" not in match.body

    client.force_login(people["grocer"])
    board = client.get(f"/aid/{network.slug}/board/").content.decode()
    assert "Pilsen, 60608" in board and CONTACT not in board
    client.post(f"/aid/{network.slug}/requests/{help_request.pk}/claim/")
    board = client.get(f"/aid/{network.slug}/board/").content.decode()
    assert CONTACT in board  # the helper who took it sees the contact
    [claimed] = send_due()
    assert claimed.to == [people["coordinator"].email]
    assert "Claimed: Food" in claimed.subject

    client.post(f"/aid/{network.slug}/requests/{help_request.pk}/fulfil/")
    help_request.refresh_from_db()
    assert help_request.status == "fulfilled"
    [fulfilled] = send_due()
    assert "Fulfilled: Food" in fulfilled.subject

    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert mutual_aid.housekeeping()["purged"] == 1
    assert not HelpRequest.objects.exists()
    assert not Notification.objects.filter(target_id=help_request.pk).exists()
    [count] = AidCount.objects.all()
    assert (count.kind, count.outcome, count.count) == ("food", "fulfilled", 1)


def test_nobody_else_sees_the_contact(client, world):
    ask(client, world)
    help_request = HelpRequest.objects.get()
    mutual_aid.publish(help_request=help_request)
    url = f"/aid/{world['network'].slug}/requests/{help_request.pk}/"
    for who in ("driver", "far grocer", "org member", "stranger", "admin"):
        client.force_login(world["people"][who])
        response = client.get(url)
        assert response.status_code == 404, who
    client.force_login(world["people"]["driver"])
    board = client.get(f"/aid/{world['network'].slug}/board/").content.decode()
    assert CONTACT not in board and "Family of four" not in board


def test_coordinators_assign_in_assign_mode(client):
    world = build(claim_mode=ClaimMode.ASSIGN, name="Back of the Yards Aid")
    people, network = world["people"], world["network"]
    ask(client, world)
    help_request = HelpRequest.objects.get()
    mutual_aid.publish(help_request=help_request)
    send_due()
    client.force_login(people["grocer"])
    assert (
        client.post(
            f"/aid/{network.slug}/requests/{help_request.pk}/claim/"
        ).status_code
        == 404
    )
    client.force_login(people["coordinator"])
    client.post(
        f"/aid/{network.slug}/requests/{help_request.pk}/assign/",
        {"helper": people["grocer"].pk},
    )
    help_request.refresh_from_db()
    assert (help_request.status, help_request.helper) == ("claimed", people["grocer"])
    [assigned] = send_due()
    assert assigned.to == [people["grocer"].email]
    assert "A request is yours" in assigned.subject


def test_a_request_goes_only_to_one_of_the_networks_helpers(client, world):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    client.force_login(world["people"]["coordinator"])
    outsider = build(name="Little Village Aid")["people"]["grocer"]

    response = client.post(
        f"/aid/{world['network'].slug}/requests/{help_request.pk}/assign/",
        {"helper": outsider.pk},
        follow=True,
    )

    assert "Give it to: Choose one of the network&#x27;s helpers." in (
        response.content.decode()
    )
    help_request.refresh_from_db()
    assert (help_request.status, help_request.helper) == ("open", None)


def test_a_taken_request_cannot_be_taken_again(world):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    mutual_aid.take(
        help_request_id=help_request.pk,
        helper=world["people"]["grocer"],
        by_coordinator=False,
    )
    with pytest.raises(mutual_aid.AidError, match="Someone else"):
        mutual_aid.take(
            help_request_id=help_request.pk,
            helper=world["people"]["driver"],
            by_coordinator=False,
        )
    help_request.refresh_from_db()
    assert help_request.helper == world["people"]["grocer"]


def test_suggestions_rank_by_place_and_language(world):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    anywhere = mutual_aid.add_offer(
        network=world["network"],
        helper=world["people"]["driver"],
        values={"kind": "food", "description": "Food bank runs", "languages": ["en"]},
    )
    [first, second] = selectors.suggestions_for([help_request])[help_request.pk]
    assert first.offer.helper == world["people"]["grocer"]
    assert first.reasons == ["zip", "language"]
    assert (second.offer, second.reasons) == (anywhere, ["anywhere"])
    # Groceries on the north side are not suggested for Pilsen.


def test_unclaimed_requests_remind_coordinators_once_then_expire(world):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    send_due()
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert mutual_aid.housekeeping()["reminded"] == 1
        assert mutual_aid.housekeeping()["reminded"] == 0
        [stale] = send_due()
    assert "Nobody has taken this request yet" in stale.subject
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert mutual_aid.housekeeping()["expired"] == 1
    help_request.refresh_from_db()
    assert help_request.status == "expired"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"zip_code": "", "neighbourhood": ""}, "Give a ZIP code or a neighbourhood."),
        ({"kind": "rent"}, "Say how much money is needed."),
        ({"kind": "rent", "amount": "-5"}, "greater than or equal to 0.01"),
        ({"kind": "rent", "amount": "100000000"}, "less than or equal to 100000"),
        ({"zip_code": "ABCDE"}, "five digits"),
        ({"kind": "visa"}, "Select a valid choice"),
        ({"contact": ""}, "This field is required."),
        ({"language": "tlh"}, "Select a valid choice"),
    ],
)
def test_bad_requests_are_explained_and_nothing_is_stored(
    client, world, overrides, message
):
    response = ask(client, world, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_amounts_are_kept_only_for_money_and_scripts_are_text(client, world):
    ask(client, world, amount="50", details="<script>alert(1)</script>")
    help_request = HelpRequest.objects.get()
    assert help_request.amount is None  # food is not asked for in money
    client.force_login(world["people"]["coordinator"])
    page = client.get(f"/aid/{world['network'].slug}/requests/{help_request.pk}/")
    assert "&lt;script&gt;" in page.content.decode()
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_the_trap_field_and_the_rate_limit(client, world, settings):
    assert ask(client, world, website="spam").status_code == 302
    assert not HelpRequest.objects.exists()
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "aid_request": "1/h/key",
    }
    assert ask(client, world).status_code == 302
    assert "Too many requests" in ask(client, world).content.decode()
    assert HelpRequest.objects.count() == 1


def test_the_export_holds_no_contact_or_details(client, world):
    ask(client, world)
    client.force_login(world["people"]["coordinator"])
    response = client.get(f"/aid/{world['network'].slug}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["received", "kind", "urgency", "zip_code", "amount", "status"]
    assert rows[1][1:] == ["food", "week", "60608", "", "submitted"]
    text = response.content.decode()
    assert "555" not in text and "Family" not in text and "Pilsen" not in text


def test_coordinators_need_two_factor(client, world):
    person = world["people"]["coordinator"]
    person.authenticator_set.all().delete()
    client.force_login(person)
    page = client.get(f"/aid/{world['network'].slug}/coordinate/")
    assert page.status_code == 403
    assert "Two-factor authentication needed" in page.content.decode()


def test_keys_rotate_without_losing_a_contact(world, settings):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    old = settings.SEALING_KEYS[0]
    new = "Yk0bEwUjKkO5C2g6q7Vn8Jm1x9Wb4Lr3Tz0Ah6Ds2Pc="
    settings.SEALING_KEYS = [new, old]
    call_command("reseal_aid_contacts", stdout=io.StringIO())
    settings.SEALING_KEYS = [new]
    help_request.refresh_from_db()
    assert selectors.contact_of(help_request) == CONTACT
    settings.SEALING_KEYS = [old]  # the old key alone opens nothing now
    help_request.refresh_from_db()
    assert isinstance(selectors.contact_of(help_request), sealing.Unreadable)
    assert selectors.contact_of(help_request) == "(erased)"


def test_without_a_key_nothing_is_stored_in_clear(world, settings):
    settings.SEALING_KEYS = []
    with pytest.raises(Exception, match="SEALING_KEYS is not set"):
        sealing.seal(CONTACT)


def test_funds_show_progress_and_refuse_impossible_payments(client, world):
    fund = mutual_aid.create_fund(
        network=world["network"],
        values={"name": "Bond fund", "kind": "bond", "goal": Decimal("5000")},
    )
    pledge = mutual_aid.add_pledge(fund=fund, amount=Decimal("1000"), label="Parish")
    mutual_aid.record_payment(pledge=pledge, amount=Decimal("400"))
    with pytest.raises(mutual_aid.AidError, match="more than the rest"):
        mutual_aid.record_payment(pledge=pledge, amount=Decimal("601"))
    with pytest.raises(mutual_aid.AidError, match="More is paid"):
        mutual_aid.add_pledge(fund=fund, amount=Decimal("10"), paid=Decimal("11"))
    assert selectors.progress(fund)["percent_paid"] == 8
    page = client.get(f"/aid/{world['network'].slug}/funds/{fund.slug}/")
    assert "US$400.00 received and US$1,000.00 pledged of US$5,000.00" in (
        page.content.decode()
    )
    client.force_login(world["people"]["coordinator"])
    client.post(
        f"/aid/{world['network'].slug}/pledges/{pledge.pk}/payments/",
        {"amount": "-3"},
    )
    assert Pledge.objects.get().paid == Decimal("400")
    assert Fund.objects.count() == 1


def test_another_networks_ids_answer_404(client, world):
    other = build(name="Little Village Aid")
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    client.force_login(other["people"]["coordinator"])
    slug = other["network"].slug
    assert client.get(f"/aid/{slug}/requests/{help_request.pk}/").status_code == 404
    assert (
        client.post(f"/aid/{slug}/requests/{help_request.pk}/publish/").status_code
        == 404
    )
    help_request.refresh_from_db()
    assert help_request.status == "submitted"


# Who may open what.

PUBLIC = {"network", "ask", "thanks", "fund"}
ROLE_ONLY = {
    "board": {"driver", "grocer"},
    "claim": {"driver", "grocer"},
    "offer stop": {"driver", "grocer"},
    "coordinate": {"coordinator"},
    "request": {"coordinator", "grocer"},
    "publish": {"coordinator"},
    "close": {"coordinator"},
    "assign": {"coordinator"},
    "export": {"coordinator"},
    "funds": {"coordinator"},
    "pledge": {"coordinator"},
    "payment": {"coordinator"},
    "fulfil": {"grocer"},
    "release": {"grocer"},
    "setup": {"admin"},
    "new network": {"admin"},
    "offer add": {"driver", "grocer"},
    "fund add": {"coordinator"},
    "setup network": {"admin"},
    "role give": {"admin"},
    "role remove": {"admin"},
}
PEOPLE = [
    "anonymous",
    "stranger",
    "org member",
    "admin",
    "driver",
    "grocer",
    "coordinator",
]


@pytest.mark.parametrize("who", PEOPLE)
def test_permission_table(client, world, who):
    network = world["network"]
    fund = mutual_aid.create_fund(
        network=network, values={"name": "Rent", "kind": "rent", "goal": 100}
    )
    pledge = mutual_aid.add_pledge(fund=fund, amount=Decimal("10"))
    held = mutual_aid.submit_request(
        network=network, values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=held)
    mutual_aid.take(
        help_request_id=held.pk, helper=world["people"]["grocer"], by_coordinator=False
    )
    fresh = mutual_aid.submit_request(
        network=network, values=help_request_values(), contact=CONTACT
    )
    offer = world["people"]["driver"].aid_offers.get()
    spare = mutual_aid.give_role(
        network=network,
        user=in_org(network.organization, "spare@example.org"),
        role=AidRole.HELPER,
    )
    slug, org = network.slug, network.organization.slug
    table = {
        "network": ("get", f"/aid/{slug}/", {}),
        "ask": ("get", f"/aid/{slug}/ask/", {}),
        "thanks": ("get", f"/aid/{slug}/ask/thanks/", {}),
        "fund": ("get", f"/aid/{slug}/funds/{fund.slug}/", {}),
        "board": ("get", f"/aid/{slug}/board/", {}),
        "request": ("get", f"/aid/{slug}/requests/{held.pk}/", {}),
        "coordinate": ("get", f"/aid/{slug}/coordinate/", {}),
        "export": ("get", f"/aid/{slug}/export.csv", {}),
        "funds": ("get", f"/aid/{slug}/manage-funds/", {}),
        "setup": ("get", f"/aid/{slug}/setup/", {}),
        "new network": ("get", f"/aid/new/{org}/", {}),
        "pledge": ("post", f"/aid/{slug}/manage-funds/{fund.pk}/pledges/", {}),
        "payment": ("post", f"/aid/{slug}/pledges/{pledge.pk}/payments/", {}),
        "offer stop": ("post", f"/aid/{slug}/offers/{offer.pk}/stop/", {}),
        "publish": ("post", f"/aid/{slug}/requests/{fresh.pk}/publish/", {}),
        "assign": ("post", f"/aid/{slug}/requests/{fresh.pk}/assign/", {}),
        "claim": ("post", f"/aid/{slug}/requests/{fresh.pk}/claim/", {}),
        "close": ("post", f"/aid/{slug}/requests/{fresh.pk}/close/", {}),
        "fulfil": ("post", f"/aid/{slug}/requests/{held.pk}/fulfil/", {}),
        "release": ("post", f"/aid/{slug}/requests/{held.pk}/release/", {}),
        "offer add": ("post", f"/aid/{slug}/offers/", {}),
        "fund add": ("post", f"/aid/{slug}/manage-funds/new/", {}),
        "setup network": ("post", f"/aid/{slug}/setup/network/", {}),
        "role give": ("post", f"/aid/{slug}/setup/roles/", {}),
        "role remove": ("post", f"/aid/{slug}/setup/roles/{spare.pk}/remove/", {}),
    }
    if who != "anonymous":
        client.force_login(world["people"][who])
    for name, (method, url, data) in table.items():
        got = getattr(client, method)(url, data)
        if name in PUBLIC:
            want = 200
        elif who == "anonymous":
            want = 302
        elif who in ROLE_ONLY[name]:
            want = 302 if method == "post" else 200
        else:
            want = 404
        assert got.status_code == want, (who, name, got.status_code)
        if name == "request" and want == 200:
            assert CONTACT in got.content.decode()


def test_a_helper_leaving_reopens_their_requests(client, world):
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    helper = world["people"]["grocer"]
    mutual_aid.take(
        help_request_id=help_request.pk, helper=helper, by_coordinator=False
    )
    client.force_login(helper)
    data = client.get("/me/data.json").json()
    assert data["mutual_aid_roles"][0]["role"] == "helper"
    assert data["mutual_aid_offers"][0]["description"] == "Groceries for a family"
    client.post("/me/delete/", {"confirm": helper.email})
    help_request.refresh_from_db()
    assert (help_request.status, help_request.helper) == ("open", None)


def test_the_organizations_public_page_links_to_its_networks(client, world):
    from tests.networks.response_world import build as build_response

    response_world = build_response()
    for network, ask_url in (
        (world["network"], f"/aid/{world['network'].slug}/ask/"),
        (response_world["network"], f"/rr/{response_world['network'].slug}/report/"),
    ):
        page = client.get(f"/organizations/{network.organization.slug}/")
        assert ask_url in page.content.decode()


def test_purged_requests_leave_one_count_per_month_kind_and_outcome(world):
    for _ in range(3):
        help_request = mutual_aid.submit_request(
            network=world["network"], values=help_request_values(), contact=CONTACT
        )
        mutual_aid.close(help_request=help_request)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert mutual_aid.housekeeping()["purged"] == 3
    [count] = AidCount.objects.all()
    assert (count.kind, count.outcome, count.count) == ("food", "closed", 3)


# One URL per form: each works for the person it is for, answers 404 to a
# stranger and to the same role in another network, and refuses bad input
# with a message that names the field, changing nothing.

OFFER = {"kind": "food", "description": "Soup on Sundays", "languages": ["es"]}
SETTINGS = {
    "name": "Pilsen Aid",
    "description": "",
    "timezone": "America/Chicago",
    "claim_mode": "assign",
    "remind_after_days": 5,
    "expire_after_days": 40,
    "purge_after_days": 20,
}


def offers_of(world, who="driver") -> list[str]:
    return list(
        AidOffer.objects.filter(helper=world["people"][who]).values_list(
            "description", flat=True
        )
    )


def network_state(world) -> tuple:
    return AidNetwork.objects.filter(pk=world["network"].pk).values_list(
        "name", "claim_mode", "remind_after_days"
    )[0]


def roles_of(world) -> set:
    return set(
        AidMember.objects.filter(network=world["network"]).values_list(
            "user__email", "role"
        )
    )


def test_a_helper_lists_an_offer(client, world):
    client.force_login(world["people"]["driver"])
    response = client.post(f"/aid/{world['network'].slug}/offers/", OFFER)

    assert response.status_code == 302
    assert response["Location"] == f"/aid/{world['network'].slug}/board/"
    assert offers_of(world) == ["Soup on Sundays", "Rides on weekends"]


def test_an_offer_in_the_past_is_refused(client, world):
    client.force_login(world["people"]["driver"])
    response = client.post(
        f"/aid/{world['network'].slug}/offers/",
        {**OFFER, "available_until": "2020-01-01"},
        follow=True,
    )

    assert "Available until: This is in the past." in response.content.decode()
    assert offers_of(world) == ["Rides on weekends"]


def test_a_coordinator_opens_a_fund(client, world):
    client.force_login(world["people"]["coordinator"])
    response = client.post(
        f"/aid/{world['network'].slug}/manage-funds/new/",
        {"name": "Bond fund", "kind": "bond", "goal": "5000"},
    )

    assert response["Location"] == f"/aid/{world['network'].slug}/manage-funds/"
    assert list(Fund.objects.values_list("name", "goal")) == [
        ("Bond fund", Decimal("5000.00"))
    ]


def test_a_fund_without_a_sensible_goal_is_refused(client, world):
    client.force_login(world["people"]["coordinator"])
    response = client.post(
        f"/aid/{world['network'].slug}/manage-funds/new/",
        {"name": "Bond fund", "kind": "bond", "goal": "-5"},
        follow=True,
    )

    assert "Goal (US$): Ensure this value is greater than or equal to 1." in (
        response.content.decode()
    )
    assert not Fund.objects.exists()


def test_an_admin_saves_the_settings(client, world):
    client.force_login(world["people"]["admin"])
    response = client.post(f"/aid/{world['network'].slug}/setup/network/", SETTINGS)

    assert response["Location"] == f"/aid/{world['network'].slug}/setup/"
    assert network_state(world) == ("Pilsen Aid", "assign", 5)


def test_settings_with_a_made_up_time_zone_are_refused(client, world):
    client.force_login(world["people"]["admin"])
    response = client.post(
        f"/aid/{world['network'].slug}/setup/network/",
        {**SETTINGS, "timezone": "Mars/Olympus"},
        follow=True,
    )

    assert (
        "Time zone: “Mars/Olympus” is not an IANA time zone such as America/Chicago."
        in response.content.decode()
    )
    assert network_state(world) == ("Pilsen Mutual Aid", "claim", 3)


def test_an_admin_gives_a_role(client, world):
    member = world["people"]["org member"]
    client.force_login(world["people"]["admin"])
    response = client.post(
        f"/aid/{world['network'].slug}/setup/roles/",
        {"email": member.email, "role": "coordinator"},
    )

    assert response["Location"] == f"/aid/{world['network'].slug}/setup/"
    assert (member.email, "coordinator") in roles_of(world)


def test_a_role_for_someone_outside_the_organization_is_refused(client, world):
    before = roles_of(world)
    client.force_login(world["people"]["admin"])
    response = client.post(
        f"/aid/{world['network'].slug}/setup/roles/",
        {"email": world["people"]["stranger"].email, "role": "coordinator"},
        follow=True,
    )

    assert (
        "Their e-mail address: Nobody with this address is in the organization; "
        "invite them first." in response.content.decode()
    )
    assert roles_of(world) == before


def test_an_admin_removes_a_role(client, world):
    driver = world["people"]["driver"]
    role = driver.aid_roles.get()
    client.force_login(world["people"]["admin"])
    setup = client.get(f"/aid/{world['network'].slug}/setup/").content.decode()
    remove = f"/aid/{world['network'].slug}/setup/roles/{role.pk}/remove/"
    assert f'action="{remove}"' in setup

    response = client.post(remove)

    assert response["Location"] == f"/aid/{world['network'].slug}/setup/"
    assert (driver.email, "helper") not in roles_of(world)


def form_urls(world) -> dict:
    """Each new form's URL, good data, and the role it is for."""
    slug = world["network"].slug
    role = world["people"]["driver"].aid_roles.get()
    return {
        "offer add": (f"/aid/{slug}/offers/", OFFER, "driver"),
        "fund add": (
            f"/aid/{slug}/manage-funds/new/",
            {"name": "Bond fund", "kind": "bond", "goal": "5000"},
            "coordinator",
        ),
        "setup network": (f"/aid/{slug}/setup/network/", SETTINGS, "admin"),
        "role give": (
            f"/aid/{slug}/setup/roles/",
            {"email": world["people"]["org member"].email, "role": "helper"},
            "admin",
        ),
        "role remove": (f"/aid/{slug}/setup/roles/{role.pk}/remove/", {}, "admin"),
    }


@pytest.mark.parametrize(
    "form", ["offer add", "fund add", "setup network", "role give", "role remove"]
)
def test_the_forms_answer_404_to_strangers_and_other_networks(client, world, form):
    other = build(name="Little Village Aid")
    url, data, role = form_urls(world)[form]
    before = (
        offers_of(world),
        Fund.objects.count(),
        network_state(world),
        roles_of(world),
    )
    for person in (world["people"]["stranger"], other["people"][role]):
        client.force_login(person)

        assert client.post(url, data).status_code == 404, person.email
    after = (
        offers_of(world),
        Fund.objects.count(),
        network_state(world),
        roles_of(world),
    )
    assert after == before


def test_another_networks_role_cannot_be_removed_through_this_one(client, world):
    other = build(name="Little Village Aid")
    theirs = other["people"]["driver"].aid_roles.get()
    client.force_login(world["people"]["admin"])

    response = client.post(
        f"/aid/{world['network'].slug}/setup/roles/{theirs.pk}/remove/"
    )

    assert response.status_code == 404
    assert AidMember.objects.filter(pk=theirs.pk).exists()


# Every view goes through the wing's rules.


@pytest.mark.parametrize(
    "pattern", aid_urls.urlpatterns, ids=lambda pattern: pattern.name
)
def test_every_view_is_public_or_asks_the_rules(pattern):
    view = pattern.callback
    source = inspect.getsource(inspect.unwrap(view))
    body = source[source.index("def ") :]

    assert getattr(view, "public", False) or re.search(r"\brules\.\w+\(", body)


def test_the_views_hold_no_checks_and_no_queries():
    source = inspect.getsource(aid_views)

    assert "Http404" not in source
    assert "get_object_or_404" not in source
    assert ".objects." not in source
