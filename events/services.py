"""Writes to campaigns, actions, shifts and signups."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events import feeds, notices, reviews
from events.models import (
    ACTIVE_SIGNUP,
    GUEST_CONFIRM_HOURS,
    MAX_PLACES,
    Action,
    ActionStatus,
    Campaign,
    CampaignReview,
    DateBasis,
    GuestSignupRequest,
    Shift,
    Signup,
    SignupStatus,
)
from events.selectors import earliest_current_date
from networks import sealing
from networks.geocoding import GeocodeStatus, geocode
from networks.models import (
    ORGANIZING_ROLES,
    AuditEntry,
    AuditVerb,
    Invitation,
    Membership,
    Role,
)
from networks.mutual_aid import services as mutual_aid
from networks.organizations.services import record, unique_slug
from networks.transactions import retry_conflicts


def refresh_place(*, action: Action) -> None:
    """Fill coordinates and time zone from the city, state and country.

    Side effects: sets latitude, longitude, geocode_status and (when empty)
    timezone on `action` without saving it. An ambiguous or unknown place
    clears the coordinates rather than keeping ones that may be wrong.
    """
    place = geocode(city=action.city, region=action.region, country=action.country)
    action.geocode_status = place.status
    exact = place.status == GeocodeStatus.EXACT
    action.latitude = Decimal(str(place.latitude)) if exact else None
    action.longitude = Decimal(str(place.longitude)) if exact else None
    if not action.timezone:
        action.timezone = place.timezone


# Shifts and signups. Every function that can change how many people are
# confirmed on a shift locks the shift's row first (SELECT ... FOR UPDATE), so
# such transactions on one shift run one after another and capacity holds
# whatever the concurrency. One that locks several shifts locks them in order
# of id, so two of them never wait on each other (a deadlock); should
# PostgreSQL abort one anyway, `retry_conflicts` runs it again. `lock=False`
# and `ordered=False` exist only for the control tests that show the races
# are real; nothing else may pass them.


class SignupError(Exception):
    """A request about a signup that cannot be done; the message says why."""


class SignupBusy(SignupError):
    """The database kept aborting the change (deadlocks); nothing was done."""


def _busy() -> SignupBusy:
    return SignupBusy(
        _("Many people are changing this shift right now; please try again.")
    )


def _locked_shift(shift_id: int, *, lock: bool = True) -> Shift:
    shifts = Shift.objects.select_related("action")
    if lock:
        shifts = shifts.select_for_update(of=("self",))
    try:
        return shifts.get(pk=shift_id)
    except Shift.DoesNotExist as error:
        raise SignupError(_("This shift does not exist.")) from error


@retry_conflicts(busy=_busy)
def sign_up(*, shift_id: int, volunteer, lock: bool = True) -> Signup:
    """Confirm a place if one is free, else join the waitlist.

    Raises SignupError when the action is not open, the shift is over, or the
    person already holds a place or a waitlist spot on this shift.

    Every signup to the shift waits for its lock, held until the commit, so
    the transaction is kept to five statements (lock, one count, the signup,
    its outbox rows in one INSERT, commit); the e-mail is written and sent by
    a worker after the commit (tests/events/test_signups.py counts them).
    """
    with transaction.atomic():
        shift = _open_shift(shift_id, lock=lock)
        counts = Signup.objects.filter(shift=shift).aggregate(
            confirmed=Count("pk", filter=Q(status=SignupStatus.CONFIRMED)),
            mine=Count("pk", filter=ACTIVE_SIGNUP & Q(volunteer=volunteer)),
        )
        if counts["mine"]:
            raise SignupError(_("You are already signed up for this shift."))
        signup = _take_place(shift, confirmed=counts["confirmed"], volunteer=volunteer)
        notices.signed_up(signup)
        return signup


def _open_shift(shift_id: int, *, lock: bool = True) -> Shift:
    shift = _locked_shift(shift_id, lock=lock)
    if shift.action.status != ActionStatus.PUBLISHED:
        raise SignupError(_("This action is not open for sign-ups."))
    if shift.ends_at <= timezone.now():
        raise SignupError(_("This shift is over."))
    return shift


def _take_place(shift: Shift, *, confirmed: int | None = None, **person) -> Signup:
    """A confirmed place if one is free, else the end of the line.

    The caller holds the lock on `shift` (and may have counted its confirmed
    signups under it already).
    """
    now = timezone.now()
    if confirmed is None:
        confirmed = Signup.objects.filter(
            shift=shift, status=SignupStatus.CONFIRMED
        ).count()
    free = confirmed < shift.places
    try:
        # No savepoint: an error here ends the whole transaction anyway.
        with transaction.atomic(savepoint=False):
            return Signup.objects.create(
                shift=shift,
                status=SignupStatus.CONFIRMED if free else SignupStatus.WAITLISTED,
                queued_at=now,
                confirmed_at=now if free else None,
                **person,
            )
    except IntegrityError as error:
        # Only without the lock can two requests of one person get here.
        raise SignupError(_("You are already signed up for this shift.")) from error


@transaction.atomic
def request_guest_signup(
    *, shift_id: int, name: str, email: str, language: str = ""
) -> GuestSignupRequest:
    """E-mail a confirmation link; nothing is held until it is followed.

    The e-mail goes through the outbox, at once after the request commits
    (notices.guest_requested); it and later messages about the signup are in
    `language` (the page's language when they signed up). The link is made
    when the e-mail is written, from SITE_URL.
    """
    shift = _open_shift(shift_id, lock=False)
    request = GuestSignupRequest.objects.create(
        shift=shift,
        name=name.strip(),
        email=email.strip().lower(),
        language=language or settings.LANGUAGE_CODE,
        token=secrets.token_urlsafe(32),
    )
    notices.guest_requested(request)
    return request


@retry_conflicts(busy=_busy)
def confirm_guest_signup(*, token: str) -> Signup:
    """Turn a confirmed request into a signup (a place or the waitlist)."""
    with transaction.atomic():
        request = (
            GuestSignupRequest.objects.select_for_update().filter(token=token).first()
        )
        if request is None:
            raise SignupError(_("This link is not valid any more."))
        age = timezone.now() - request.created_at
        if age > dt.timedelta(hours=GUEST_CONFIRM_HOURS):
            request.delete()
            raise SignupError(_("This link has expired; please sign up again."))
        shift = _open_shift(request.shift_id)
        already = Signup.objects.filter(
            ACTIVE_SIGNUP,
            shift=shift,
            guest_email_hash__in=sealing.lookup_hashes(request.email),
        ).exists()
        if already:
            request.delete()
            raise SignupError(_("You are already signed up for this shift."))
        signup = _take_place(
            shift,
            guest_name=request.name,
            guest_email=request.email,
            manage_token=secrets.token_urlsafe(32),
            language=request.language,
        )
        request.delete()
        notices.signed_up(signup)
        return signup


def set_guest_preferences(
    *, signup: Signup, language: str, reminders: bool, messages: bool
) -> Signup:
    signup.language = language
    signup.wants_reminders = reminders
    signup.wants_messages = messages
    signup.save(update_fields=["language", "wants_reminders", "wants_messages"])
    return signup


def cancel_signup(*, signup_id: int, lock: bool = True) -> list[Signup]:
    """Cancel a signup; if it held a place, promote the waitlist in order.

    Cancelling twice is harmless. Returns the signups promoted.
    """
    return cancel_signups(signup_ids=[signup_id], lock=lock)


@retry_conflicts(busy=_busy)
def cancel_signups(
    *, signup_ids: list[int], lock: bool = True, ordered: bool = True
) -> list[Signup]:
    """Cancel signups, on one shift or several, in one transaction; promote
    each shift's waitlist in order where a place was freed.

    The shifts are locked in order of id whatever the order of `signup_ids`
    (`ordered=False`, for the control test only, locks them in that order).
    Raises SignupError if a signup does not exist. Returns the signups
    promoted.
    """
    with transaction.atomic():
        shift_of = dict(
            Signup.objects.filter(pk__in=signup_ids).values_list("pk", "shift_id")
        )
        if set(signup_ids) - shift_of.keys():
            raise SignupError(_("This signup does not exist."))
        shift_ids = [shift_of[pk] for pk in signup_ids]
        order = sorted(set(shift_ids)) if ordered else list(dict.fromkeys(shift_ids))
        shifts = {pk: _locked_shift(pk, lock=lock) for pk in order}
        # Read the signups only once their shifts are locked: their status is
        # final.
        freed = set()
        for signup in Signup.objects.filter(pk__in=signup_ids).order_by("pk"):
            if signup.status == SignupStatus.CANCELLED:
                continue
            if signup.status == SignupStatus.CONFIRMED:
                freed.add(signup.shift_id)
            signup.status = SignupStatus.CANCELLED
            signup.cancelled_at = timezone.now()
            signup.save(update_fields=["status", "cancelled_at"])
            notices.signup_cancelled(signup)
        return [
            promoted for pk in order if pk in freed for promoted in _promote(shifts[pk])
        ]


@retry_conflicts(busy=_busy)
def set_places(*, shift_id: int, places: int) -> list[Signup]:
    """Change a shift's number of places; never below those already confirmed.

    More places promote from the waitlist. Returns the signups promoted.
    """
    if not 0 <= places <= MAX_PLACES:
        raise SignupError(
            _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES}
        )
    with transaction.atomic():
        shift = _locked_shift(shift_id)
        confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
        if places < confirmed:
            raise SignupError(
                _(
                    "%(confirmed)s people are already confirmed; places cannot go "
                    "below that. Cancel signups first."
                )
                % {"confirmed": confirmed}
            )
        shift.places = places
        shift.save(update_fields=["places", "updated_at"])
        return _promote(shift)


def _promote(shift: Shift) -> list[Signup]:
    """Fill free places from the waitlist, first come first served.

    The caller holds the lock on `shift`.
    """
    confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
    free = shift.places - confirmed
    if free <= 0:
        return []
    waiting = list(
        shift.signups.filter(status=SignupStatus.WAITLISTED).order_by(
            "queued_at", "pk"
        )[:free]
    )
    now = timezone.now()
    for signup in waiting:
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = now
    Signup.objects.bulk_update(waiting, ["status", "confirmed_at"])
    if waiting:
        feeds.invalidate()  # bulk_update sends no signals
        notices.promoted(waiting)
    return waiting


# Organizers: actions and shifts of their organization. Every change is in the
# organization's audit log (who, when, what changed). Callers check that the
# actor may organize for the organization
# (networks.organizations.selectors.can_organize).

ACTION_EDITABLE = [
    "title",
    "kind",
    "description",
    "demands",
    "date_precision",
    "start_date",
    "starts_at",
    "ends_at",
    "timezone",
    *Action.PLACE_FIELDS,
    "reminder_offsets",
]


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _audit_action(action: Action, actor, verb: str, changes=None) -> None:
    for organization in action.organizers.all():
        record(
            organization=organization,
            actor=actor,
            verb=verb,
            subject=action.title,
            changes=changes,
        )


@transaction.atomic
def create_action(*, organization, actor, values: dict) -> Action:
    """A draft action of `organization`, placed from its city."""
    action = Action(
        slug=unique_slug(Action, values["title"]),
        status=ActionStatus.DRAFT,
        **{k: v for k, v in values.items() if k in ACTION_EDITABLE},
    )
    refresh_place(action=action)
    action.full_clean()
    action.save()
    action.organizers.set([organization])
    _audit_action(action, actor, AuditVerb.CREATED_ACTION)
    return action


@transaction.atomic
def update_action(*, action: Action, actor, values: dict) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    changes = {}
    for name in ACTION_EDITABLE:
        if name in values and getattr(action, name) != values[name]:
            changes[name] = [
                _jsonable(getattr(action, name)),
                _jsonable(values[name]),
            ]
            setattr(action, name, values[name])
    if not changes:
        return action
    if set(Action.GEOCODED_FIELDS) & changes.keys():
        refresh_place(action=action)
    action.full_clean()
    action.save()
    _audit_action(action, actor, AuditVerb.CHANGED_ACTION, changes)
    notices.changed(action, changes.keys())
    if "reminder_offsets" in changes:
        notices.reschedule(action)
    return action


@transaction.atomic
def publish_action(*, action: Action, actor) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.PUBLISHED:
        old = action.status
        action.status = ActionStatus.PUBLISHED
        action.cancellation_reason = ""
        action.save()
        _audit_action(
            action, actor, AuditVerb.PUBLISHED, {"status": [old, action.status]}
        )
        notices.reschedule(action)
    return action


@transaction.atomic
def cancel_action(*, action: Action, actor, reason: str) -> Action:
    """Cancel with a reason shown on the action page to everyone."""
    reason = reason.strip()
    if not reason:
        raise SignupError(
            _("Say why the action is cancelled: people signed up see it.")
        )
    action = Action.objects.select_for_update().get(pk=action.pk)
    old = action.status
    action.status = ActionStatus.CANCELLED
    action.cancellation_reason = reason
    action.save()
    _audit_action(
        action,
        actor,
        AuditVerb.CANCELLED,
        {"status": [old, action.status], "reason": [None, reason]},
    )
    if old != ActionStatus.CANCELLED:
        notices.cancelled(action)
    return action


@transaction.atomic
def duplicate_action(*, action: Action, actor) -> Action:
    """A draft copy with the same details and shifts, and no signups."""
    copy = Action.objects.get(pk=action.pk)
    copy.pk = None
    copy.slug = unique_slug(Action, f"{action.title} copy")
    copy.status = ActionStatus.DRAFT
    copy.cancellation_reason = ""
    copy.sequence = 0
    copy.open_questions = []
    copy.save()
    copy.organizers.set(action.organizers.all())
    copy.sources.set(action.sources.all())
    Shift.objects.bulk_create(
        Shift(
            action=copy,
            role=shift.role,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            places=shift.places,
            what_to_bring=shift.what_to_bring,
            training=shift.training,
        )
        for shift in action.shifts.all()
    )
    _audit_action(
        copy, actor, AuditVerb.DUPLICATED_ACTION, {"from": [None, action.slug]}
    )
    return copy


SHIFT_EDITABLE = ["role", "starts_at", "ends_at", "what_to_bring", "training"]


@transaction.atomic
def add_shift(*, action: Action, actor, values: dict) -> Shift:
    shift = Shift(action=action, **values)
    shift.full_clean()
    shift.save()
    _audit_action(
        action,
        actor,
        AuditVerb.ADDED_SHIFT,
        {"role": [None, shift.role], "places": [None, shift.places]},
    )
    return shift


@retry_conflicts(busy=_busy)
@transaction.atomic
def update_shift(*, shift: Shift, actor, values: dict) -> Shift:
    """Change a shift; fewer places than are confirmed is refused."""
    if "places" in values and values["places"] != shift.places:
        old = shift.places
        set_places(shift_id=shift.pk, places=values["places"])
        _audit_action(
            shift.action,
            actor,
            AuditVerb.CHANGED_PLACES,
            {"places": [old, values["places"]]},
        )
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    changes = {}
    for name in SHIFT_EDITABLE:
        if name in values and getattr(shift, name) != values[name]:
            changes[name] = [_jsonable(getattr(shift, name)), _jsonable(values[name])]
            setattr(shift, name, values[name])
    if changes:
        shift.full_clean()
        shift.save()
        _audit_action(shift.action, actor, AuditVerb.CHANGED_SHIFT, changes)
        notices.changed(shift.action, changes.keys(), shift=shift)
    return shift


MESSAGE_SUBJECT_MAX = 150
MESSAGE_BODY_MAX = 5000


@transaction.atomic
def send_message(
    *, action: Action, actor, subject: str, body: str, shift=None, waitlist=False
):
    """Write to everyone on an action (or one of its shifts); see notices."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise SignupError(_("A message needs a subject and a text."))
    if len(subject) > MESSAGE_SUBJECT_MAX or len(body) > MESSAGE_BODY_MAX:
        raise SignupError(_("This message is too long."))
    if shift is not None and shift.action_id != action.pk:
        raise SignupError(_("This shift does not exist."))
    sent = notices.message(
        action=action,
        shift=shift,
        author=actor,
        subject=subject,
        body=body,
        waitlist=waitlist,
    )
    _audit_action(action, actor, AuditVerb.MESSAGED, {"subject": [None, subject]})
    return sent


@transaction.atomic
def remove_shift(*, shift: Shift, actor) -> None:
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.signups.filter(ACTIVE_SIGNUP).exists():
        raise SignupError(
            _("People are signed up for this shift; cancel their signups first.")
        )
    _audit_action(
        shift.action, actor, AuditVerb.REMOVED_SHIFT, {"role": [shift.role, None]}
    )
    shift.delete()


def check_in(*, signup: Signup, present: bool = True) -> Signup:
    signup.checked_in_at = timezone.now() if present else None
    signup.save(update_fields=["checked_in_at"])
    return signup


# Days of action: an organization runs one; local hosts submit their actions
# to it; the day's organizers approve or reject them.


@transaction.atomic
def create_campaign(*, organization, actor, values: dict) -> Campaign:
    campaign = Campaign(
        slug=unique_slug(Campaign, values["name"]),
        date_basis=DateBasis.STATED if values.get("date") else DateBasis.UNKNOWN,
        **values,
    )
    campaign.full_clean()
    campaign.save()
    campaign.organizers.set([organization])
    record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.CREATED_CAMPAIGN,
        subject=campaign,
    )
    return campaign


def moderates(user, campaign: Campaign) -> bool:
    return campaign.organizers.filter(
        memberships__user=user, memberships__role__in=ORGANIZING_ROLES
    ).exists()


class CampaignError(Exception):
    """A day of action that cannot take this; the message says why."""


@transaction.atomic
def update_campaign(*, campaign: Campaign, actor, values: dict) -> Campaign:
    """Change a day of action; its date moves its calendar entry."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    changes = {}
    for name, value in values.items():
        if getattr(campaign, name) != value:
            changes[name] = [_jsonable(getattr(campaign, name)), _jsonable(value)]
            setattr(campaign, name, value)
    if not changes:
        return campaign
    if "date" in changes:
        campaign.date_basis = DateBasis.STATED if campaign.date else DateBasis.UNKNOWN
    campaign.full_clean()
    campaign.save()
    for organization in campaign.organizers.all():
        record(
            organization=organization,
            actor=actor,
            verb=AuditVerb.CHANGED_CAMPAIGN,
            subject=campaign.name,
            changes=changes,
        )
    return campaign


@transaction.atomic
def submit_to_campaign(*, action: Action, campaign: Campaign, actor) -> Action:
    """Put a local action forward; the day's own organizers need no review.
    Otherwise they are told by e-mail (events.reviews). A day that has passed
    takes no more actions."""
    if campaign.date and campaign.date < earliest_current_date():
        raise CampaignError(_("This day of action has passed."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.campaign = campaign
    action.campaign_review = (
        CampaignReview.APPROVED
        if moderates(actor, campaign)
        else CampaignReview.PENDING
    )
    action.campaign_review_note = ""
    action.save()
    _audit_action(
        action, actor, AuditVerb.SUBMITTED, {"campaign": [None, campaign.name]}
    )
    if action.campaign_review == CampaignReview.PENDING:
        reviews.submitted(action, campaign)
    return action


@transaction.atomic
def review_submission(
    *, action: Action, actor, approve: bool, note: str = ""
) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.campaign_review = (
        CampaignReview.APPROVED if approve else CampaignReview.REJECTED
    )
    action.campaign_review_note = note.strip()[:500]
    action.save()
    for organization in action.campaign.organizers.all():
        record(
            organization=organization,
            actor=actor,
            verb=AuditVerb.APPROVED if approve else AuditVerb.REJECTED,
            subject=action.title,
            changes={"note": [None, action.campaign_review_note]} if note else {},
        )
    reviews.reviewed(action)
    return action


# A person leaving.


class AccountError(Exception):
    """An account that cannot be deleted yet; the message says why."""


def _account_busy() -> AccountError:
    return AccountError(_("Your account could not be deleted just now; try again."))


@retry_conflicts(busy=_account_busy)
@transaction.atomic
def delete_account(*, user) -> None:
    """Delete an account and what it alone holds.

    Its places are cancelled first, so waitlists move up; audit lines that
    name it by address lose the address. Refused while the person is an
    organization's only admin.
    """
    sole_admin = [
        m.organization.name
        for m in Membership.objects.filter(user=user, role=Role.ADMIN).select_related(
            "organization"
        )
        if not Membership.objects.filter(organization=m.organization, role=Role.ADMIN)
        .exclude(user=user)
        .exists()
    ]
    if sole_admin:
        raise AccountError(
            _("You are the only admin of %(names)s; make someone else admin first.")
            % {"names": ", ".join(sole_admin)}
        )
    # One transaction locks all the person's shifts, in order of id.
    cancel_signups(
        signup_ids=list(
            Signup.objects.filter(ACTIVE_SIGNUP, volunteer=user).values_list(
                "pk", flat=True
            )
        )
    )
    mutual_aid.release_everything_of(user)
    AuditEntry.objects.filter(subject__iexact=user.email).update(subject="")
    user.delete()


# Personal data is kept only while it is needed.

GUEST_DATA_DAYS = 30
INVITATION_KEEP_DAYS = 30


def purge_personal_data(*, now=None) -> dict[str, int]:
    """Delete personal data that is no longer needed. Returns what went.

    - unconfirmed guest requests, once their link has expired;
    - guests' signups (their name and address), 30 days after the shift ended;
    - invitations (an address), 30 days after they were accepted or expired.
    """
    now = now or timezone.now()
    # Counted by model: a request's delete() total includes its e-mail's row.
    _, deleted = GuestSignupRequest.objects.filter(
        created_at__lt=now - dt.timedelta(hours=GUEST_CONFIRM_HOURS)
    ).delete()
    requests = deleted.get(GuestSignupRequest._meta.label, 0)
    guests, _ = Signup.objects.filter(
        volunteer__isnull=True,
        shift__ends_at__lt=now - dt.timedelta(days=GUEST_DATA_DAYS),
    ).delete()
    old = now - dt.timedelta(days=INVITATION_KEEP_DAYS)
    invitations, _ = Invitation.objects.filter(
        Q(accepted_at__lt=old) | Q(accepted_at__isnull=True, expires_at__lt=old)
    ).delete()
    return {
        "guest requests": requests,
        "guest signups": guests,
        "invitations": invitations,
    }
