"""Helpers claiming one request at the same moment, on PostgreSQL: exactly
one gets it. The control runs the same race with a read-then-write claim and
shows that several helpers are then told the request is theirs."""

import pytest

from networks.models.mutual_aid import AidRole, HelpRequest
from networks.mutual_aid import services as mutual_aid
from tests.concurrency import Race, held, postgres_only, wait_for_lock_waiters
from tests.networks.aid_world import CONTACT, build, help_request_values, in_org

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
REPEATS = 3
HELPERS = 12


@pytest.fixture(autouse=True)
def postgres():
    postgres_only()


def claim_race(world, n: int, *, conditional: bool) -> tuple[int, str]:
    """(how many were told they won, the helper the row ends with)."""
    network = world["network"]
    helpers = []
    for i in range(HELPERS):
        person = in_org(network.organization, f"racer-{n}-{i}@example.org")
        mutual_aid.give_role(network=network, user=person, role=AidRole.HELPER)
        helpers.append(person)
    help_request = mutual_aid.submit_request(
        network=network, values=help_request_values(), contact=CONTACT
    )
    mutual_aid.publish(help_request=help_request)
    winners = []

    def claim(person):
        mutual_aid.take(
            help_request_id=help_request.pk,
            helper=person,
            by_coordinator=False,
            conditional=conditional,
        )
        winners.append(person.email)

    # The row is held while the helpers start, so every one of them has read
    # it and waits to write when it is let go: the overlap is certain.
    with held(HelpRequest.objects.filter(pk=help_request.pk)):
        racing = Race([lambda p=p: claim(p) for p in helpers])
        wait_for_lock_waiters(HELPERS)
    errors = racing.join()
    assert all(isinstance(e, mutual_aid.AidError) for e in errors), errors
    row = HelpRequest.objects.select_related("helper").get(pk=help_request.pk)
    assert row.status == "claimed"
    return len(winners), row.helper.email, winners


def test_exactly_one_helper_gets_a_request():
    world = build()
    for n in range(REPEATS):
        count, holder, winners = claim_race(world, n, conditional=True)
        assert count == 1 and winners == [holder]


def test_control_read_then_write_tells_several_helpers_they_won():
    world = build()
    outcomes = [claim_race(world, n, conditional=False)[0] for n in range(REPEATS)]
    assert all(count == HELPERS for count in outcomes), outcomes
