"""Writes to mutual-aid networks: requests from publication to the end,
offers, funds, and the schedule that reminds, expires and purges.

Who may call these is decided in `rules.py`; the views call a rule first.
A request is taken (assigned or claimed) with one conditional UPDATE, so of
two helpers at the same moment exactly one gets it.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.models import AuditVerb, NotificationKind
from networks.models.mutual_aid import (
    MONEY_KINDS,
    OVER,
    AidCount,
    AidMember,
    AidNetwork,
    AidOffer,
    AidRole,
    Fund,
    HelpRequest,
    Pledge,
    RequestStatus,
)
from networks.mutual_aid import selectors
from networks.organizations.services import record, unique_slug
from networks.outbox import services as outbox


class AidError(Exception):
    """A request that cannot be done; the message says why."""


# Setup.


@transaction.atomic
def create_network(*, organization, values: dict) -> AidNetwork:
    network = AidNetwork(
        organization=organization, slug=unique_slug(AidNetwork, values["name"])
    )
    return update_network(network=network, values=values)


def update_network(*, network: AidNetwork, values: dict) -> AidNetwork:
    for name, value in values.items():
        setattr(network, name, value)
    network.full_clean()
    network.save()
    return network


def give_role(*, network: AidNetwork, user, role: str) -> AidMember:
    return AidMember.objects.get_or_create(network=network, user=user, role=role)[0]


def remove_role(*, member: AidMember) -> None:
    member.delete()


def _notify(help_request: HelpRequest, kind: str, recipients) -> None:
    outbox.add(
        [
            outbox.new(kind=kind, target=help_request, recipient_id=pk)
            for pk in dict.fromkeys(recipients)
        ]
    )


# Requests.


def submit_request(*, network: AidNetwork, values: dict, contact: str) -> HelpRequest:
    """A new request, waiting for a coordinator; the contact is sealed."""
    if not contact.strip():
        raise AidError(_("Give a way to reach you."))
    return _new_request(network, values, contact)


def refer(*, network: AidNetwork, values: dict, contact: str = "") -> HelpRequest:
    """A request opened for someone by another wing's member (a dispatcher
    after a detention): it waits for a coordinator like any other, and may
    carry no contact, in which case the coordinator reaches the family
    through the person who referred it."""
    return _new_request(network, values, contact)


def _new_request(network: AidNetwork, values: dict, contact: str) -> HelpRequest:
    help_request = HelpRequest(network=network, **values)
    if help_request.kind in MONEY_KINDS and not help_request.amount:
        raise AidError(_("Say how much money is needed."))
    if help_request.kind not in MONEY_KINDS:
        help_request.amount = None
    help_request.contact = contact.strip()
    help_request.full_clean()
    help_request.save()
    return help_request


@transaction.atomic
def publish(*, help_request: HelpRequest) -> HelpRequest:
    """Show a reviewed request to helpers (coarse details only), and tell
    the helpers whose offers match it."""
    updated = HelpRequest.objects.filter(
        pk=help_request.pk, status=RequestStatus.SUBMITTED
    ).update(status=RequestStatus.OPEN, published_at=timezone.now())
    if not updated:
        raise AidError(_("Only a new request can be published."))
    help_request.refresh_from_db()
    suggestions = selectors.suggestions_for([help_request])[help_request.pk]
    _notify(
        help_request,
        NotificationKind.AID_MATCH,
        [s.offer.helper_id for s in suggestions],
    )
    return help_request


def take(
    *, help_request_id: int, helper, by_coordinator: bool, conditional: bool = True
) -> HelpRequest:
    """Give an open request to `helper`, and tell the helper (assigned) or
    the coordinators (claimed). Exactly one of many at once wins.

    `conditional=False` exists only for the control test that shows the race
    is real: it reads the status and then writes, in two steps.
    """
    now = timezone.now()
    with transaction.atomic():
        if conditional:
            won = HelpRequest.objects.filter(
                pk=help_request_id, status=RequestStatus.OPEN
            ).update(status=RequestStatus.CLAIMED, helper=helper, claimed_at=now)
        else:
            seen = HelpRequest.objects.get(pk=help_request_id)
            won = 0
            if seen.status == RequestStatus.OPEN:
                won = HelpRequest.objects.filter(pk=help_request_id).update(
                    status=RequestStatus.CLAIMED, helper=helper, claimed_at=now
                )
        if not won:
            raise AidError(_("Someone else has already taken this request."))
        help_request = HelpRequest.objects.select_related("network").get(
            pk=help_request_id
        )
        if by_coordinator:
            _notify(help_request, NotificationKind.AID_ASSIGNED, [helper.pk])
        else:
            _notify(
                help_request,
                NotificationKind.AID_CLAIMED,
                selectors.member_ids(help_request.network, AidRole.COORDINATOR),
            )
    return help_request


def release(*, help_request: HelpRequest) -> HelpRequest:
    """The helper cannot do it after all: the request is open again."""
    HelpRequest.objects.filter(pk=help_request.pk, status=RequestStatus.CLAIMED).update(
        status=RequestStatus.OPEN, helper=None, claimed_at=None
    )
    help_request.refresh_from_db()
    return help_request


def release_everything_of(user) -> int:
    """A person leaving: the requests they held are open again."""
    return HelpRequest.objects.filter(helper=user, status=RequestStatus.CLAIMED).update(
        status=RequestStatus.OPEN, helper=None, claimed_at=None
    )


@transaction.atomic
def fulfil(*, help_request: HelpRequest) -> HelpRequest:
    """A claimed request is done; the coordinators are told."""
    updated = HelpRequest.objects.filter(
        pk=help_request.pk, status=RequestStatus.CLAIMED
    ).update(status=RequestStatus.FULFILLED, over_at=timezone.now())
    if not updated:
        raise AidError(_("Only a claimed request can be fulfilled."))
    help_request.refresh_from_db()
    _notify(
        help_request,
        NotificationKind.AID_FULFILLED,
        selectors.member_ids(help_request.network, AidRole.COORDINATOR),
    )
    return help_request


def close(*, help_request: HelpRequest) -> HelpRequest:
    HelpRequest.objects.filter(pk=help_request.pk).exclude(status__in=OVER).update(
        status=RequestStatus.CLOSED, over_at=timezone.now()
    )
    help_request.refresh_from_db()
    return help_request


# Offers.


def add_offer(*, network: AidNetwork, helper, values: dict) -> AidOffer:
    offer = AidOffer(network=network, helper=helper, **values)
    offer.full_clean()
    offer.save()
    return offer


def withdraw_offer(*, network: AidNetwork, helper, offer_id: int) -> None:
    """Take `helper`'s own offer off the list. Any other id changes nothing
    and, answered the same way, tells nobody whether it exists."""
    AidOffer.objects.filter(network=network, helper=helper, pk=offer_id).update(
        active=False
    )


# Funds.


def create_fund(*, network: AidNetwork, values: dict) -> Fund:
    fund = Fund(network=network, slug=unique_slug(Fund, values["name"]), **values)
    fund.full_clean()
    fund.save()
    return fund


def add_pledge(
    *, fund: Fund, amount: Decimal, label: str = "", paid=Decimal(0)
) -> Pledge:
    if paid > amount:
        raise AidError(_("More is paid than pledged."))
    pledge = Pledge(fund=fund, amount=amount, label=label.strip(), paid=paid)
    pledge.full_clean()
    pledge.save()
    return pledge


def record_payment(*, pledge: Pledge, amount: Decimal) -> Pledge:
    """Money in against a pledge; never more than pledged."""
    with transaction.atomic():
        updated = Pledge.objects.filter(
            pk=pledge.pk, paid__lte=F("amount") - amount
        ).update(paid=F("paid") + amount)
    if not updated:
        raise AidError(_("That is more than the rest of the pledge."))
    pledge.refresh_from_db()
    return pledge


# The schedule.


def housekeeping(*, now=None, lock: bool = True) -> dict[str, int]:
    """Remind coordinators of requests nobody took, expire old ones, and
    purge requests that have been over long enough (keeping counts).

    Safe to run twice at once (two beats by mistake): the requests to remind
    are locked and read again under the lock, so a second run waits for the
    first and then finds them reminded. `lock=False` is for the control test
    that shows the duplicate reminders otherwise."""
    now = now or timezone.now()
    reminded = expired = purged = 0
    for network in AidNetwork.objects.all():
        waiting = HelpRequest.objects.filter(
            network=network,
            status__in=[RequestStatus.SUBMITTED, RequestStatus.OPEN],
        )
        expired += waiting.filter(
            created_at__lt=now - dt.timedelta(days=network.expire_after_days)
        ).update(status=RequestStatus.EXPIRED, over_at=now)
        due = waiting.filter(
            created_at__lt=now - dt.timedelta(days=network.remind_after_days),
            reminded_at__isnull=True,
        )
        coordinators = selectors.member_ids(network, AidRole.COORDINATOR)
        with transaction.atomic():
            stale = list(due.select_for_update() if lock else due)
            for help_request in stale:
                _notify(help_request, NotificationKind.AID_STALE, coordinators)
            HelpRequest.objects.filter(pk__in=[r.pk for r in stale]).update(
                reminded_at=now
            )
        reminded += len(stale)
        purged += _purge(network, now - dt.timedelta(days=network.purge_after_days))
    return {"reminded": reminded, "expired": expired, "purged": purged}


@transaction.atomic
def _purge(network: AidNetwork, before) -> int:
    done = list(
        HelpRequest.objects.select_for_update()
        .filter(network=network, status__in=OVER, over_at__lt=before)
        .values("pk", "kind", "status", "created_at")
    )
    tally = Counter(
        (row["created_at"].date().replace(day=1), row["kind"], row["status"])
        for row in done
    )
    for (month, kind, outcome), n in tally.items():
        count, _created = AidCount.objects.get_or_create(
            network=network, month=month, kind=kind, outcome=outcome
        )
        AidCount.objects.filter(pk=count.pk).update(count=F("count") + n)
    HelpRequest.objects.filter(pk__in=[row["pk"] for row in done]).delete()
    return len(done)


@transaction.atomic
def erase_sensitive_data(*, network: AidNetwork, actor) -> dict[str, int]:
    """Erase at once what could expose anyone who asked for help or gave:
    every request's contact and details, and the pledges' labels. Requests
    stay as counts by kind, urgency, area and status. The audit log records
    who did it and the counts, nothing else."""
    counts = {
        "requests": HelpRequest.objects.filter(network=network).update(
            contact="", details=""
        ),
        "pledges": Pledge.objects.filter(fund__network=network).update(label=""),
    }
    record(
        organization=network.organization,
        actor=actor,
        verb=AuditVerb.ERASED,
        subject=network.name,
        changes=counts,
    )
    return counts
