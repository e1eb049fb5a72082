"""TRUSTED_PROXIES: forwarded headers believed from the proxies named there,
and from nobody else (networks/proxies.py)."""

import pytest

from networks.models.rapid_response import Report
from networks.proxies import client_address, parse
from tests.networks.response_world import build, report_data

PROXY = "10.0.0.5"
STRANGER = "198.51.100.9"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.django_db
def test_it_honours_the_scheme_from_a_trusted_proxy(client, behind_proxy):
    page = client.get("/actions/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert page.status_code == 200


@pytest.mark.django_db
def test_it_ignores_the_scheme_from_any_other_peer(client, behind_proxy):
    page = client.get("/actions/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https")

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/actions/"


@pytest.mark.django_db
def test_it_trusts_nobody_when_the_setting_is_empty(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    page = client.get("/actions/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert page.status_code == 301


def post_report(client, world, *, peer: str, forwarded_for: str):
    return client.post(
        f"/rr/{world['network'].slug}/report/",
        report_data(),
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
    )


@pytest.mark.django_db
def test_reporters_behind_a_trusted_proxy_have_buckets_of_their_own(
    client, behind_proxy, settings
):
    world = build()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "report": "1/h/key"}

    first = post_report(client, world, peer=PROXY, forwarded_for="203.0.113.1")
    second = post_report(client, world, peer=PROXY, forwarded_for="203.0.113.2")
    again = post_report(client, world, peer=PROXY, forwarded_for="203.0.113.1")

    assert (first.status_code, second.status_code) == (302, 302)
    assert "Too many reports from here" in again.content.decode()
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_forged_forwarded_for_from_a_stranger_changes_no_bucket(client, settings):
    world = build()
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "report": "1/h/key"}

    first = post_report(client, world, peer=STRANGER, forwarded_for="203.0.113.1")
    forged = post_report(client, world, peer=STRANGER, forwarded_for="203.0.113.2")

    assert first.status_code == 302
    assert "Too many reports from here" in forged.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        # The client's own entries, left of the first untrusted hop, prove nothing.
        ("1.1.1.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        ("203.0.113.7", "203.0.113.7"),
        # Every hop trusted: the leftmost is the client.
        ("10.1.1.1, 10.0.0.2", "10.1.1.1"),
        # A garbled entry stops the walk at the last hop that could be read.
        ("203.0.113.7, not-an-address, 10.0.0.2", "10.0.0.2"),
        ("", PROXY),
        ("[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_it_walks_forwarded_for_from_the_right(forwarded_for, expected):
    assert client_address(PROXY, forwarded_for, parse(("10.0.0.0/8",))) == expected


def test_any_peer_means_only_the_last_hop_is_believed():
    assert client_address(PROXY, "1.1.1.1, 203.0.113.7", parse(("*",))) == (
        "203.0.113.7"
    )


def test_a_bad_entry_stops_the_app_with_the_variables_name():
    from tests.test_settings import PRODUCTION, manage

    result = manage("check", env={**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.0/8,caddy"})

    assert result.returncode != 0
    assert "TRUSTED_PROXIES must be addresses or networks" in result.stderr
    assert "'caddy' does not appear to be an IPv4 or IPv6 network" in result.stderr
