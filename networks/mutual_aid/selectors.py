"""Reads of mutual-aid networks, their requests, offers and funds.

These do not decide who may read what: the views reach them through a rule
(`rules.py`) that has already answered 404 to anyone else.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from networks.models.mutual_aid import (
    AidMember,
    AidNetwork,
    AidOffer,
    AidRole,
    Fund,
    HelpRequest,
    RequestStatus,
)

# A page of the coordinators' lists.
NEWEST = 50


def member_ids(network: AidNetwork, role: str) -> list[int]:
    """The people who hold `role` in `network` (to notify them)."""
    return list(
        AidMember.objects.filter(network=network, role=role).values_list(
            "user_id", flat=True
        )
    )


def members(network: AidNetwork) -> QuerySet[AidMember]:
    """Everyone's roles, for the setup page."""
    return network.members.select_related("user").order_by("user__email", "role")


def helpers(network: AidNetwork) -> QuerySet[AidMember]:
    return AidMember.objects.filter(
        network=network, role=AidRole.HELPER
    ).select_related("user")


def helper_people(network: AidNetwork) -> QuerySet:
    """The accounts of the network's helpers (whom a request can go to)."""
    return get_user_model().objects.filter(
        aid_roles__network=network, aid_roles__role=AidRole.HELPER
    )


def contact_of(help_request: HelpRequest) -> str:
    """The readable contact. Only for coordinators and the helper who holds
    the request: the rules that hand out such a request say who that is."""
    return help_request.contact


# Requests.


def open_requests(network: AidNetwork) -> QuerySet[HelpRequest]:
    """Published requests for the helpers' board: coarse details only."""
    return (
        HelpRequest.objects.filter(network=network, status=RequestStatus.OPEN)
        .only(
            "pk",
            "kind",
            "urgency",
            "zip_code",
            "neighbourhood",
            "amount",
            "language",
            "published_at",
        )
        .order_by("-published_at", "-pk")
    )


def held_with_contacts(network: AidNetwork, helper) -> list[tuple[HelpRequest, str]]:
    """The requests `helper` holds, each with its contact."""
    held = HelpRequest.objects.filter(
        network=network, helper=helper, status=RequestStatus.CLAIMED
    )
    return [(help_request, contact_of(help_request)) for help_request in held]


def new_requests(network: AidNetwork) -> list[HelpRequest]:
    """Submitted requests waiting for review, oldest first."""
    return list(
        HelpRequest.objects.filter(
            network=network, status=RequestStatus.SUBMITTED
        ).order_by("created_at")[:NEWEST]
    )


def published_requests(network: AidNetwork) -> QuerySet[HelpRequest]:
    """Open requests waiting for a helper, oldest first (to paginate)."""
    return HelpRequest.objects.filter(
        network=network, status=RequestStatus.OPEN
    ).order_by("published_at", "pk")


def taken_requests(network: AidNetwork) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(
        network=network, status=RequestStatus.CLAIMED
    ).select_related("helper")[:NEWEST]


def export_rows(network: AidNetwork):
    """Requests for reporting: no contact, no details, no helper."""
    return HelpRequest.objects.filter(network=network).values_list(
        "created_at", "kind", "urgency", "zip_code", "amount", "status"
    )


# Offers and matching.


def active_offers(network: AidNetwork, helper) -> QuerySet[AidOffer]:
    return AidOffer.objects.filter(network=network, helper=helper, active=True)


@dataclass
class Suggestion:
    offer: AidOffer
    score: int
    reasons: list[str]


MAX_SUGGESTIONS = 3


def _score(help_request: HelpRequest, offer: AidOffer, today) -> Suggestion | None:
    """How well `offer` fits `help_request`: the same kind and a place that
    fits (same ZIP code or neighbourhood, or anywhere) are required; still
    available, and enough money, too; the language adds to the score."""
    if offer.kind != help_request.kind or offer.helper_id == help_request.helper_id:
        return None
    if offer.available_until and offer.available_until < today:
        return None
    amount = help_request.amount
    if amount and offer.max_amount and offer.max_amount < amount:
        return None
    score, reasons = 1, []
    if help_request.zip_code and offer.zip_code == help_request.zip_code:
        score, reasons = score + 4, [*reasons, "zip"]
    elif (
        help_request.neighbourhood
        and offer.neighbourhood.lower() == help_request.neighbourhood.lower()
    ):
        score, reasons = score + 3, [*reasons, "neighbourhood"]
    elif not offer.zip_code and not offer.neighbourhood:
        score, reasons = score + 1, [*reasons, "anywhere"]
    else:
        return None
    if help_request.language in offer.languages:
        score, reasons = score + 3, [*reasons, "language"]
    if amount and offer.max_amount:
        reasons = [*reasons, "amount"]
    return Suggestion(offer=offer, score=score, reasons=reasons)


def suggestions_for(
    help_requests: list[HelpRequest],
) -> dict[int, list[Suggestion]]:
    """The best few offers for each request, from one query for all of them."""
    today = timezone.localdate()
    networks = {r.network_id for r in help_requests}
    # Only offers of the same kind near one of the requests (same ZIP code or
    # neighbourhood) or anywhere: what a page needs, however many offers the
    # network has.
    near = Q(pk__in=[])
    for kind in {r.kind for r in help_requests}:
        same = [r for r in help_requests if r.kind == kind]
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
    for help_request in help_requests:
        scored = [
            s
            for offer in by_kind.get(help_request.kind, [])
            if offer.network_id == help_request.network_id
            and (s := _score(help_request, offer, today))
        ]
        scored.sort(key=lambda s: (-s.score, s.offer.pk))
        found[help_request.pk] = scored[:MAX_SUGGESTIONS]
    return found


# Funds.


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


def funds_with_progress(network: AidNetwork) -> list[tuple[Fund, dict]]:
    return [(fund, progress(fund)) for fund in network.funds.all()]


def funds_with_pledges(network: AidNetwork) -> list[tuple[Fund, dict, QuerySet]]:
    """Each fund with its progress and its pledges, for the coordinators."""
    return [(fund, progress(fund), fund.pledges.all()) for fund in network.funds.all()]


# The person's own data.


def personal_data(user) -> dict:
    """What mutual aid holds about `user`, for their data download."""
    return {
        "mutual_aid_roles": [
            {"network": m.network.name, "role": m.role}
            for m in AidMember.objects.filter(user=user).select_related("network")
        ],
        "mutual_aid_offers": [
            {
                "network": o.network.name,
                "kind": o.kind,
                "description": o.description,
                "active": o.active,
            }
            for o in AidOffer.objects.filter(helper=user).select_related("network")
        ],
    }
