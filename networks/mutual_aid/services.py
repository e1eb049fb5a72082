"""Writes to mutual-aid networks: requests from publication to the end,
offers, matching, funds, and the schedule that reminds, expires and purges.

Callers check who may do what (networks/aid_views.py). A request is taken
(assigned or claimed) with one conditional UPDATE, so of two helpers at the
same moment exactly one gets it.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from networks import sealing
from networks.models import NotificationKind
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
from networks.organizations.services import unique_slug
from networks.outbox import services as outbox

Status = RequestStatus
Kind = NotificationKind


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


def give_role(*, network, user, role: str) -> AidMember:
    return AidMember.objects.get_or_create(network=network, user=user, role=role)[0]


def remove_role(*, network, user, role: str) -> None:
    AidMember.objects.filter(network=network, user=user, role=role).delete()


def people(network, role: str) -> list[int]:
    return list(
        AidMember.objects.filter(network=network, role=role).values_list(
            "user_id", flat=True
        )
    )


def _notify(request: HelpRequest, kind: str, recipients) -> None:
    outbox.add(
        [
            outbox.new(kind=kind, target=request, recipient_id=pk)
            for pk in dict.fromkeys(recipients)
        ]
    )


# Requests.


def submit_request(*, network, values: dict, contact: str) -> HelpRequest:
    """A new request, waiting for a coordinator; the contact is sealed."""
    request = HelpRequest(network=network, **values)
    if request.kind in MONEY_KINDS and not request.amount:
        raise AidError(_("Say how much money is needed."))
    if request.kind not in MONEY_KINDS:
        request.amount = None
    if not contact.strip():
        raise AidError(_("Give a way to reach you."))
    request.contact_sealed = sealing.seal(contact.strip())
    request.full_clean()
    request.save()
    return request


def contact_of(request: HelpRequest) -> str:
    """Readable contact; callers have checked the reader may see it."""
    return sealing.unseal(request.contact_sealed)


@transaction.atomic
def publish(*, request: HelpRequest) -> HelpRequest:
    """Show a reviewed request to helpers (coarse details only), and tell
    the helpers whose offers match it."""
    updated = HelpRequest.objects.filter(pk=request.pk, status=Status.SUBMITTED).update(
        status=Status.OPEN, published_at=timezone.now()
    )
    if not updated:
        raise AidError(_("Only a new request can be published."))
    request.refresh_from_db()
    matches = [s.offer.helper_id for s in suggestions_for([request])[request.pk]]
    _notify(request, Kind.AID_MATCH, matches)
    return request


def take(
    *, request_id: int, helper, by_coordinator: bool, conditional: bool = True
) -> HelpRequest:
    """Give an open request to `helper`. Exactly one of many at once wins.

    `conditional=False` exists only for the control test that shows the race
    is real: it reads the status and then writes, in two steps.
    """
    now = timezone.now()
    with transaction.atomic():
        if conditional:
            won = HelpRequest.objects.filter(pk=request_id, status=Status.OPEN).update(
                status=Status.CLAIMED, helper=helper, claimed_at=now
            )
        else:
            seen = HelpRequest.objects.get(pk=request_id)
            won = 0
            if seen.status == Status.OPEN:
                won = HelpRequest.objects.filter(pk=request_id).update(
                    status=Status.CLAIMED, helper=helper, claimed_at=now
                )
        if not won:
            raise AidError(_("Someone else has already taken this request."))
        request = HelpRequest.objects.select_related("network").get(pk=request_id)
        if by_coordinator:
            _notify(request, Kind.AID_ASSIGNED, [helper.pk])
        else:
            _notify(
                request, Kind.AID_CLAIMED, people(request.network, AidRole.COORDINATOR)
            )
    return request


def release(*, request: HelpRequest) -> HelpRequest:
    """The helper cannot do it after all: the request is open again."""
    HelpRequest.objects.filter(pk=request.pk, status=Status.CLAIMED).update(
        status=Status.OPEN, helper=None, claimed_at=None
    )
    request.refresh_from_db()
    return request


def release_everything_of(user) -> int:
    """A person leaving: the requests they held are open again."""
    return HelpRequest.objects.filter(helper=user, status=Status.CLAIMED).update(
        status=Status.OPEN, helper=None, claimed_at=None
    )


@transaction.atomic
def fulfil(*, request: HelpRequest) -> HelpRequest:
    updated = HelpRequest.objects.filter(pk=request.pk, status=Status.CLAIMED).update(
        status=Status.FULFILLED, over_at=timezone.now()
    )
    if not updated:
        raise AidError(_("Only a claimed request can be fulfilled."))
    request.refresh_from_db()
    _notify(request, Kind.AID_FULFILLED, people(request.network, AidRole.COORDINATOR))
    return request


def close(*, request: HelpRequest) -> HelpRequest:
    HelpRequest.objects.filter(pk=request.pk).exclude(status__in=OVER).update(
        status=Status.CLOSED, over_at=timezone.now()
    )
    request.refresh_from_db()
    return request


# Offers and matching.


def add_offer(*, network, helper, values: dict) -> AidOffer:
    offer = AidOffer(network=network, helper=helper, **values)
    offer.full_clean()
    offer.save()
    return offer


@dataclass
class Suggestion:
    offer: AidOffer
    score: int
    reasons: list[str]


MAX_SUGGESTIONS = 3


def _score(request: HelpRequest, offer: AidOffer, today) -> Suggestion | None:
    """How well `offer` fits `request`: the same kind and a place that fits
    (same ZIP code or neighbourhood, or anywhere) are required; still
    available, and enough money, too; the language adds to the score."""
    if offer.kind != request.kind or offer.helper_id == request.helper_id:
        return None
    if offer.available_until and offer.available_until < today:
        return None
    if request.amount and offer.max_amount and offer.max_amount < request.amount:
        return None
    score, reasons = 1, []
    if request.zip_code and offer.zip_code == request.zip_code:
        score, reasons = score + 4, [*reasons, "zip"]
    elif (
        request.neighbourhood
        and offer.neighbourhood.lower() == request.neighbourhood.lower()
    ):
        score, reasons = score + 3, [*reasons, "neighbourhood"]
    elif not offer.zip_code and not offer.neighbourhood:
        score, reasons = score + 1, [*reasons, "anywhere"]
    else:
        return None
    if request.language in offer.languages:
        score, reasons = score + 3, [*reasons, "language"]
    if request.amount and offer.max_amount:
        reasons = [*reasons, "amount"]
    return Suggestion(offer=offer, score=score, reasons=reasons)


def suggestions_for(requests: list[HelpRequest]) -> dict[int, list[Suggestion]]:
    """The best few offers for each request, from one query for all of them."""
    today = timezone.localdate()
    networks = {r.network_id for r in requests}
    # Only offers of the same kind near one of the requests (same ZIP code or
    # neighbourhood) or anywhere: what a page needs, however many offers the
    # network has.
    near = Q(pk__in=[])
    for kind in {r.kind for r in requests}:
        same = [r for r in requests if r.kind == kind]
        near |= Q(kind=kind) & (
            Q(zip_code__in={r.zip_code for r in same if r.zip_code})
            | Q(neighbourhood__in={r.neighbourhood for r in same if r.neighbourhood})
            | Q(zip_code="", neighbourhood="")
        )
    offers = list(
        AidOffer.objects.filter(network__in=networks, active=True)
        .filter(near)
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        .select_related("helper")
    )
    by_kind: dict[str, list[AidOffer]] = {}
    for offer in offers:
        by_kind.setdefault(offer.kind, []).append(offer)
    found = {}
    for request in requests:
        scored = [
            s
            for offer in by_kind.get(request.kind, [])
            if offer.network_id == request.network_id
            and (s := _score(request, offer, today))
        ]
        scored.sort(key=lambda s: (-s.score, s.offer.pk))
        found[request.pk] = scored[:MAX_SUGGESTIONS]
    return found


# Funds.


def create_fund(*, network, values: dict) -> Fund:
    fund = Fund(network=network, slug=unique_slug(Fund, values["name"]), **values)
    fund.full_clean()
    fund.save()
    return fund


def add_pledge(*, fund, amount: Decimal, label: str = "", paid=Decimal(0)) -> Pledge:
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


def progress(fund: Fund) -> dict:
    totals = fund.pledges.aggregate(pledged=Sum("amount"), paid=Sum("paid"))
    pledged, paid = totals["pledged"] or Decimal(0), totals["paid"] or Decimal(0)
    return {
        "goal": fund.goal,
        "pledged": pledged,
        "paid": paid,
        "percent_paid": min(100, int(paid * 100 / fund.goal)),
        "percent_pledged": min(100, int(pledged * 100 / fund.goal)),
    }


# The schedule.


def housekeeping(*, now=None) -> dict[str, int]:
    """Remind coordinators of requests nobody took, expire old ones, and
    purge requests that have been over long enough (keeping counts)."""
    now = now or timezone.now()
    reminded = expired = purged = 0
    for network in AidNetwork.objects.all():
        waiting = HelpRequest.objects.filter(
            network=network, status__in=[Status.SUBMITTED, Status.OPEN]
        )
        expired += waiting.filter(
            created_at__lt=now - dt.timedelta(days=network.expire_after_days)
        ).update(status=Status.EXPIRED, over_at=now)
        stale = list(
            waiting.filter(
                created_at__lt=now - dt.timedelta(days=network.remind_after_days),
                reminded_at__isnull=True,
            )
        )
        coordinators = people(network, AidRole.COORDINATOR)
        with transaction.atomic():
            for request in stale:
                _notify(request, Kind.AID_STALE, coordinators)
            HelpRequest.objects.filter(pk__in=[r.pk for r in stale]).update(
                reminded_at=now
            )
        reminded += len(stale)
        purged += _purge(network, now - dt.timedelta(days=network.purge_after_days))
    return {"reminded": reminded, "expired": expired, "purged": purged}


@transaction.atomic
def _purge(network, before) -> int:
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
        count, _ = AidCount.objects.get_or_create(
            network=network, month=month, kind=kind, outcome=outcome
        )
        AidCount.objects.filter(pk=count.pk).update(count=F("count") + n)
    HelpRequest.objects.filter(pk__in=[row["pk"] for row in done]).delete()
    return len(done)
