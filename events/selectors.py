"""Reads for pages and feeds. Every list here costs a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from events import notices
from events.models import (
    ACTIVE_SIGNUP,
    Action,
    ActionStatus,
    Campaign,
    CampaignReview,
    OrganizerMessage,
    Shift,
    ShiftRole,
    Signup,
    SignupStatus,
)
from networks.models import ORGANIZING_ROLES, Organization

PUBLIC_STATUSES = [ActionStatus.PUBLISHED, ActionStatus.CANCELLED]


def in_campaign(campaign) -> Q:
    """Actions shown as part of a day of action: its reviewers approved them."""
    return Q(campaign=campaign, campaign_review=CampaignReview.APPROVED)


# The last zone to finish a day: an action stays "upcoming" while its date is
# still today anywhere on Earth, whatever its own time zone.
LATEST_ZONE = ZoneInfo("Etc/GMT+12")


def earliest_current_date(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(LATEST_ZONE).date()


def public_actions() -> QuerySet[Action]:
    organizers = Organization.objects.only("slug", "name").order_by("name")
    return (
        Action.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("campaign")
        .prefetch_related(Prefetch("organizers", queryset=organizers))
    )


def filter_actions(filters: dict, *, today: dt.date | None = None) -> QuerySet[Action]:
    """Public actions matching the cleaned filters of `ActionFilterForm`."""
    today = today or earliest_current_date()
    actions = public_actions()
    when = filters.get("when", "upcoming")
    if when == "upcoming":
        # Same order as the model's, minus NULLS LAST (no undated rows here),
        # so the database can read it straight from an index.
        actions = actions.filter(start_date__gte=today).order_by(
            "start_date", "city", "title"
        )
    elif when == "past":
        actions = actions.filter(start_date__lt=today).order_by(
            "-start_date", "city", "title"
        )
    elif when == "undated":
        actions = actions.filter(start_date__isnull=True)
    if q := filters.get("q"):
        actions = actions.filter(text_matches(q))
    if kind := filters.get("kind"):
        actions = actions.filter(kind=kind)
    if campaign := filters.get("campaign"):
        actions = actions.filter(in_campaign(campaign))
    if organization := filters.get("organization"):
        actions = actions.filter(organizers=organization)
    if city := filters.get("city"):
        actions = actions.filter(city__iexact=city)
    if region := filters.get("region"):
        actions = actions.filter(region__iexact=region)
    if country := filters.get("country"):
        actions = actions.filter(country__iexact=country)
    if date_from := filters.get("date_from"):
        actions = actions.filter(start_date__gte=date_from)
    if date_to := filters.get("date_to"):
        actions = actions.filter(start_date__lte=date_to)
    return actions


def text_matches(q: str) -> Q:
    """Actions whose words, day of action (approved) or organizers contain q.

    Three id subqueries rather than one OR across joined tables: each one
    can use its trigram indexes on PostgreSQL (migration 0009), where an OR
    spanning a join cannot, and the database scanned every action.
    """
    own = Action.objects.filter(
        Q(title__icontains=q)
        | Q(description__icontains=q)
        | Q(city__icontains=q)
        | Q(venue__icontains=q)
    ).values("pk")
    in_named_campaign = Action.objects.filter(
        campaign__in=Campaign.objects.filter(name__icontains=q).values("pk"),
        campaign_review=CampaignReview.APPROVED,
    ).values("pk")
    organizer_named = Action.organizers.through.objects.filter(
        organization__in=Organization.objects.filter(name__icontains=q).values("pk")
    ).values("action_id")
    return Q(pk__in=own) | Q(pk__in=in_named_campaign) | Q(pk__in=organizer_named)


def message_audience(action, shift=None, *, waitlist: bool) -> int:
    """How many people a message would be written for (see notices)."""
    return notices.recipients(action, shift, waitlist=waitlist).count()


def campaigns_with_counts(*, today: dt.date | None = None) -> QuerySet[Campaign]:
    """Days of action, the coming ones first (soonest first), then the past
    ones (most recent first), then those with no known date."""
    today = today or earliest_current_date()
    return Campaign.objects.annotate(
        action_count=Count(
            "actions",
            filter=Q(
                actions__status__in=PUBLIC_STATUSES,
                actions__campaign_review=CampaignReview.APPROVED,
            ),
        ),
        coming=Case(
            When(date__gte=today, then=Value(0)),
            When(date__lt=today, then=Value(1)),
            default=Value(2),
        ),
    ).order_by(
        "coming",
        Case(When(date__gte=today, then=F("date"))).asc(),
        F("date").desc(),
        "name",
        "pk",
    )


def organizations_with_counts() -> QuerySet[Organization]:
    return Organization.objects.annotate(
        action_count=Count("actions", filter=Q(actions__status__in=PUBLIC_STATUSES))
    ).order_by("name", "pk")


@dataclass
class RegionGroup:
    country: str
    region: str
    count: int = 0
    cities: list[tuple[str, int]] = field(default_factory=list)


def campaign_places(campaign: Campaign) -> list[RegionGroup]:
    """Local actions of a campaign counted by state and city, in one query."""
    rows = (
        Action.objects.filter(in_campaign(campaign), status__in=PUBLIC_STATUSES)
        .values_list("country", "region", "city")
        .annotate(n=Count("id"))
        .order_by("country", "region", "city")
    )
    groups: dict[tuple[str, str], RegionGroup] = {}
    for country, region, city, n in rows:
        group = groups.setdefault((country, region), RegionGroup(country, region))
        group.count += n
        group.cities.append((city, n))
    return list(groups.values())


def campaign_actions(campaign: Campaign) -> QuerySet[Action]:
    return (
        public_actions()
        .filter(in_campaign(campaign))
        .order_by("country", "region", "city", "start_date", "title")
    )


def action_shifts(action: Action) -> list[Shift]:
    """The action's shifts with `confirmed` and `waiting` counts, in one query."""
    return list(
        action.shifts.annotate(
            confirmed=Count(
                "signups", filter=Q(signups__status=SignupStatus.CONFIRMED)
            ),
            waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        ).order_by("starts_at", "role", "pk")
    )


def signups_by_shift(user, shifts: list[Shift]) -> dict[int, Signup]:
    """The person's active signup on each of these shifts, by shift id."""
    if not user.is_authenticated or not shifts:
        return {}
    rows = Signup.objects.filter(
        ACTIVE_SIGNUP, volunteer=user, shift__in=[s.pk for s in shifts]
    )
    return {signup.shift_id: signup for signup in rows}


def my_signups(user) -> QuerySet[Signup]:
    """A person's active signups, soonest first, with shift and action."""
    return (
        Signup.objects.filter(ACTIVE_SIGNUP, volunteer=user)
        .select_related("shift__action")
        .annotate(
            ahead=Count(
                "shift__signups",
                filter=Q(
                    shift__signups__status=SignupStatus.WAITLISTED,
                    shift__signups__queued_at__lt=F("queued_at"),
                ),
            )
        )
        .order_by("shift__starts_at", "pk")
    )


def overlapping_signups(user, shift: Shift) -> QuerySet[Signup]:
    """The person's other active signups whose shifts overlap this one."""
    return (
        Signup.objects.filter(
            ACTIVE_SIGNUP,
            volunteer=user,
            shift__starts_at__lt=shift.ends_at,
            shift__ends_at__gt=shift.starts_at,
        )
        .exclude(shift=shift)
        .select_related("shift__action")
    )


def unfilled_roles(campaign: Campaign) -> list[tuple[str, str, list[Action]]]:
    """For each role the day's organizers say a local action needs, the
    campaign's published local actions with nobody confirmed in it yet (no
    such shift, or its places still empty). One query; none without roles.
    """
    needed = [role for role in ShiftRole.values if role in campaign.needed_roles]
    if not needed:
        return []
    confirmed_in = {
        role: Count(
            "shifts__signups",
            filter=Q(shifts__role=role, shifts__signups__status=SignupStatus.CONFIRMED),
        )
        for role in needed
    }
    actions = list(
        Action.objects.filter(in_campaign(campaign), status=ActionStatus.PUBLISHED)
        .annotate(**{f"filled_{role}": count for role, count in confirmed_in.items()})
        .order_by("region", "city", "title")
    )
    return [
        (role, label, [a for a in actions if not getattr(a, f"filled_{role}")])
        for role, label in ShiftRole.choices
        if role in needed
    ]


def personal_data(user) -> dict:
    """The person's signups, for their data download."""
    return {
        "signups": [
            {
                "action": s.shift.action.title,
                "role": s.shift.role,
                "starts_at": s.shift.starts_at.isoformat(),
                "ends_at": s.shift.ends_at.isoformat(),
                "status": s.status,
                "signed_up_at": s.queued_at.isoformat(),
                "checked_in_at": s.checked_in_at.isoformat()
                if s.checked_in_at
                else None,
            }
            for s in Signup.objects.filter(volunteer=user).select_related(
                "shift__action"
            )
        ]
    }


# Reads behind the pages' lookups and rules.


def public_shifts() -> QuerySet[Shift]:
    """Shifts of public actions, with their action: the ones anyone may join."""
    return Shift.objects.select_related("action").filter(action__in=public_actions())


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def organization_campaigns(organization: Organization) -> QuerySet[Campaign]:
    return organization.campaigns.all()


def place_actions(country: str, region: str, city: str) -> QuerySet[Action]:
    """Public actions of a city, or of a region; "no region" is a region too."""
    filters = {"when": "all", "country": country, "region": region, "city": city}
    actions = filter_actions({k: v for k, v in filters.items() if v})
    if not city and not region:
        actions = actions.filter(region="")
    return actions


def signups_of(user) -> QuerySet[Signup]:
    """All of a person's signups, whatever their status."""
    return Signup.objects.filter(volunteer=user)


def signups_with_actions() -> QuerySet[Signup]:
    return Signup.objects.select_related("shift__action")


def waiting_ahead(signup: Signup) -> int:
    """How many people are before this one on its shift's waitlist."""
    if signup.status != SignupStatus.WAITLISTED:
        return 0
    return signup.shift.signups.filter(
        status=SignupStatus.WAITLISTED, queued_at__lt=signup.queued_at
    ).count()


# Calendar feeds: which rows each one holds.


def feed_campaigns(filters: dict) -> QuerySet[Campaign]:
    """Days of action in the feed of the list's filters: all of them when it is
    not narrowed, the one or the organization's when narrowed to those alone,
    none when narrowed any other way."""
    narrowed = {k for k in filters if k != "when"}
    if not narrowed:
        return Campaign.objects.all()
    if narrowed == {"campaign"}:
        return Campaign.objects.filter(pk=filters["campaign"].pk)
    if narrowed == {"organization"}:
        return filters["organization"].campaigns.all()
    return Campaign.objects.none()


def only_campaign(campaign: Campaign) -> QuerySet[Campaign]:
    return Campaign.objects.filter(pk=campaign.pk)


def only_action(action: Action) -> QuerySet[Action]:
    return public_actions().filter(pk=action.pk)


def campaign_feed_actions(campaign: Campaign) -> QuerySet[Action]:
    return public_actions().filter(in_campaign(campaign))


def organization_feed_actions(organization: Organization) -> QuerySet[Action]:
    return public_actions().filter(organizers=organization)


def place_feed_actions(country: str, region: str, city: str) -> QuerySet[Action]:
    actions = public_actions().filter(country__iexact=country)
    actions = actions.filter(region__iexact=region)
    if city:
        actions = actions.filter(city__iexact=city)
    return actions


def shift_feed_signups(user, *, since: dt.datetime) -> QuerySet[Signup]:
    """A person's signups on shifts that end after `since`, any status."""
    return Signup.objects.filter(volunteer=user, shift__ends_at__gte=since)


def all_actions_of(organization: Organization) -> QuerySet[Action]:
    """Every action the organization runs, drafts too (for its organizers)."""
    return Action.objects.filter(organizers=organization)


# Organizers' pages.


def organized_actions(user) -> QuerySet[Action]:
    """Actions run by an organization in which the person organizes."""
    return Action.objects.filter(
        organizers__memberships__user=user,
        organizers__memberships__role__in=ORGANIZING_ROLES,
    ).distinct()


def shifts_with_actions() -> QuerySet[Shift]:
    return Shift.objects.select_related("action")


def signups_with_shifts() -> QuerySet[Signup]:
    return Signup.objects.select_related("shift")


def submissions() -> QuerySet[Action]:
    """Actions put forward to a day of action, with it."""
    return Action.objects.select_related("campaign").filter(campaign__isnull=False)


def managed_actions(organization: Organization) -> QuerySet[Action]:
    """The organization's actions, drafts too, with their number of shifts."""
    return (
        Action.objects.filter(organizers=organization)
        .annotate(shift_count=Count("shifts", distinct=True))
        .order_by("-start_date", "title")
    )


def campaign_choices(*, today: dt.date | None = None) -> QuerySet[Campaign]:
    """Days of action an action may still be put forward to: not passed."""
    today = today or earliest_current_date()
    return (
        Campaign.objects.filter(Q(date__gte=today) | Q(date__isnull=True))
        .only("slug", "name", "date")
        .order_by(F("date").asc(nulls_last=True), "name")
    )


def roster(shift: Shift) -> list[Signup]:
    return list(
        shift.signups.select_related("volunteer").order_by("status", "queued_at", "pk")
    )


def campaign_submissions(campaign: Campaign) -> dict:
    """What a day of action's organizers review: pending and rejected actions,
    and how many are approved."""
    submitted = Action.objects.filter(campaign=campaign).order_by("region", "city")
    return {
        "pending": submitted.filter(campaign_review=CampaignReview.PENDING),
        "approved_count": submitted.filter(
            campaign_review=CampaignReview.APPROVED
        ).count(),
        "rejected": submitted.filter(campaign_review=CampaignReview.REJECTED),
    }


def message_shifts(action: Action) -> list[Shift]:
    return list(action.shifts.select_related("action"))


def sent_messages(action: Action, *, limit: int) -> list[OrganizerMessage]:
    """The action's latest messages, each with `copies` (signup, notification)
    and `counts` by delivery state."""
    sent = list(action.messages.select_related("shift", "author")[:limit])
    copies = list(notices.copies(sent))
    signups = Signup.objects.select_related("volunteer").in_bulk(
        [copy.target_id for copy in copies]
    )
    by_message = {message.pk: [] for message in sent}
    for copy in copies:
        by_message[copy.payload["message"]].append((signups.get(copy.target_id), copy))
    for message in sent:
        message.copies = by_message[message.pk]
        message.counts = {
            state: sum(1 for _, copy in message.copies if copy.state == state)
            for state in ("pending", "sending", "sent", "failed", "dropped")
        }
    return sent
