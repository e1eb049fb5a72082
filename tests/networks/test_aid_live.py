"""Mutual aid through real parts: a Celery worker with its beat on Redis and
PostgreSQL, and a real SMTP server. Publishing tells the matching helper,
claiming tells the coordinator, fulfilling tells the coordinator; none of the
mail holds the requester's contact."""

import pytest

from networks.models.mutual_aid import HelpRequest
from networks.mutual_aid import services as mutual_aid
from tests.live import wait_for
from tests.networks.aid_world import CONTACT, build, help_request_values

pytestmark = pytest.mark.postgres


def test_publish_claim_fulfil_reach_the_mail_server(workers, sink):
    world = build()
    people = world["people"]
    workers()
    help_request = mutual_aid.submit_request(
        network=world["network"], values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    wait_for(lambda: sink.count() >= 1, timeout=60, what="the match notice")
    mutual_aid.take(
        help_request_id=help_request.pk, helper=people["grocer"], by_coordinator=False
    )
    wait_for(lambda: sink.count() >= 2, timeout=60, what="the claim notice")
    mutual_aid.fulfil(help_request=HelpRequest.objects.get(pk=help_request.pk))
    wait_for(lambda: sink.count() >= 3, timeout=60, what="the fulfilment notice")

    got = [(r.to[0], r.subject) for r in sink.received]
    assert got[0] == (
        people["grocer"].email,
        "[Organizer] A request you can help with: Food, Pilsen, 60608",
    )
    assert got[1] == (
        people["coordinator"].email,
        "[Organizer] Claimed: Food, Pilsen, 60608",
    )
    assert got[2][1] == "[Organizer] Fulfilled: Food, Pilsen, 60608"
    assert all("555" not in r.text for r in sink.received)
    assert len(set(sink.ids())) == 3
