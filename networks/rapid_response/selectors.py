"""Reads of rapid-response networks, their people, reports and alerts."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from networks.models.rapid_response import (
    ActivityKind,
    Alert,
    CoverageArea,
    NetworkMember,
    OnCall,
    OnCallSlot,
    Report,
    ReportStatus,
    ResponseNetwork,
    Training,
)

# What the public sees: confirmed activity (also once closed) and false alarms
# (to stop rumours).
PUBLIC = Q(status__in=[ReportStatus.CONFIRMED, ReportStatus.FALSE_ALARM]) | Q(
    status=ReportStatus.CLOSED, confirmed_at__isnull=False
)
PUBLIC_ALERTS_SHOWN = 100
DESK_SHOWN = 200


def areas(network: ResponseNetwork) -> QuerySet[CoverageArea]:
    return network.areas.all()


def current(network: ResponseNetwork, now=None) -> Q:
    """Public alerts not yet expired: confirmed within the network's hours
    (false alarms never confirmed count from when the activity was seen)."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=network.alerts_expire_hours)
    return Q(confirmed_at__gte=since) | Q(confirmed_at__isnull=True, seen_at__gte=since)


def public_alerts(network: ResponseNetwork) -> list[dict]:
    """Confirmed activity and false alarms still up: kind, neighbourhood, the
    hour."""
    zone = ZoneInfo(network.timezone)
    rows = (
        Report.objects.filter(PUBLIC, current(network), network=network)
        .order_by("-seen_at", "-pk")
        .values("pk", "kind", "status", "neighbourhood", "city", "seen_at")[
            :PUBLIC_ALERTS_SHOWN
        ]
    )
    statuses = {
        **dict(ReportStatus.choices),
        ReportStatus.CLOSED: ReportStatus.CONFIRMED.label,  # confirmed, now over
    }
    return [
        {
            "pk": row["pk"],
            "kind": ActivityKind(row["kind"]).label,
            "status": row["status"],
            "status_label": statuses[row["status"]],
            "place": ", ".join(p for p in (row["neighbourhood"], row["city"]) if p),
            "hour": row["seen_at"]
            .astimezone(zone)
            .replace(minute=0, second=0, microsecond=0),
        }
        for row in rows
    ]


def open_reports(network: ResponseNetwork) -> QuerySet[Report]:
    """The desk: reports not closed, urgent ones first, newest first."""
    return (
        Report.objects.filter(network=network)
        .exclude(status=ReportStatus.CLOSED)
        .order_by("-urgent", "-created_at")
        .only("pk", "kind", "status", "city", "neighbourhood", "urgent", "created_at")
    )[:DESK_SHOWN]


class Tracked:
    """What a tracking code shows: the status in four words, nothing else."""

    RECEIVED = "received"
    CHECKING = "checking"
    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"


def tracked_status(network: ResponseNetwork, code: str) -> str | None:
    """The status of `network`'s report with `code`, None when there is none
    (never was, or deleted on schedule)."""
    code = code.strip().upper().replace(" ", "")
    if len(code) == 10:
        code = f"{code[:5]}-{code[5:]}"
    if not code:
        return None
    row = (
        Report.objects.filter(network=network, tracking_code=code)
        .values("status", "confirmed_at")
        .first()
    )
    if row is None:
        return None
    if row["status"] == ReportStatus.NEW:
        return Tracked.RECEIVED
    if row["status"] == ReportStatus.VERIFYING:
        return Tracked.CHECKING
    if row["confirmed_at"] and row["status"] != ReportStatus.FALSE_ALARM:
        return Tracked.CONFIRMED
    return Tracked.NOT_CONFIRMED


def report_record(report: Report) -> dict:
    """Everything written about a report, for its page."""
    return {
        "timeline": report.timeline.select_related("actor"),
        "alerts": report.alerts.select_related("responder"),
        "notes": report.notes.select_related("author"),
        "photos": report.photos.all(),
        "verifications": report.verifications.select_related("verifier"),
    }


def upcoming_slots(network: ResponseNetwork) -> QuerySet[OnCallSlot]:
    """Slots not over yet, with their areas and the people who took them."""
    return (
        OnCallSlot.objects.filter(network=network, ends_at__gt=timezone.now())
        .prefetch_related("areas", "people__user")
        .order_by("starts_at", "tier")
    )


def slots_taken(user, slots: QuerySet[OnCallSlot]) -> set[int]:
    """Ids of the `slots` that `user` took."""
    return set(
        OnCall.objects.filter(slot__in=slots, user=user).values_list(
            "slot_id", flat=True
        )
    )


def roles_given(network: ResponseNetwork) -> QuerySet[NetworkMember]:
    return network.members.select_related("user").order_by("user__email", "role")


def trainings(network: ResponseNetwork) -> QuerySet[Training]:
    return Training.objects.filter(network=network).select_related("user")


def alerts_to_send(ids: list[int]) -> dict[int, Alert]:
    """Alerts by id, with what their message needs: the report, its network
    and the responder's preferences."""
    return Alert.objects.select_related(
        "report__network", "responder__notification_preference"
    ).in_bulk(ids)


def personal_data(user) -> dict:
    """What rapid response holds about `user`, for their data download."""
    return {
        "network_roles": [
            {"network": m.network.name, "role": m.role}
            for m in NetworkMember.objects.filter(user=user).select_related("network")
        ],
        "trainings": [
            {
                "network": t.network.name,
                "training": t.kind,
                "completed_on": t.completed_on.isoformat(),
            }
            for t in Training.objects.filter(user=user).select_related("network")
        ],
        "on_call": [
            {
                "network": o.slot.network.name,
                "starts_at": o.slot.starts_at.isoformat(),
                "ends_at": o.slot.ends_at.isoformat(),
            }
            for o in OnCall.objects.filter(user=user).select_related("slot__network")
        ],
        "alerts": [
            {
                "network": a.report.network.name,
                "sent_at": a.created_at.isoformat(),
                "answer": a.answer,
            }
            for a in Alert.objects.filter(responder=user).select_related(
                "report__network"
            )
        ],
    }
