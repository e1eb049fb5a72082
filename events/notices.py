"""What volunteers are told, and when: signups' notices through the outbox.

Services call the functions at the top when something happens to a signup,
a shift or an action; each writes outbox rows in the caller's transaction.
`render` turns a row into an e-mail when it is sent, in the recipient's
language and with times in the action's own zone, so a reminder always says
what is true at sending time. Reminders are rows due `offset` minutes before
their shift; their key holds the shift's start, so moving a shift drops the
old reminders and schedules new ones.

Essential notices (a change of time or place, a cancellation) go out whatever
the person chose; reminders and organizers' messages follow their choices.

A guest's link to confirm a signup is a row too, sent at once (the person is
waiting for it) and rendered from the request, so the secret link is never
stored in the row.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from events.calendar import google_calendar_url
from events.display import action_when, shift_when
from events.models import (
    ACTIVE_SIGNUP,
    GUEST_CONFIRM_HOURS,
    Action,
    ActionStatus,
    GuestSignupRequest,
    OrganizerMessage,
    Shift,
    Signup,
    SignupStatus,
)
from networks.models import Notification, NotificationKind, NotificationState
from networks.organizations import notices as organization_notices
from networks.organizations import selectors as network_selectors
from networks.outbox import services as outbox

Kind = NotificationKind

# What a change notice names; the fields of an action or shift behind each.
TIME_FIELDS = {"date_precision", "start_date", "starts_at", "ends_at", "timezone"}
PLACE_FIELDS = set(Action.PLACE_FIELDS)

# Why a notice was not sent. Rows keep the English (staff read it in the
# admin); organizers' pages translate it (gettext_noop marks it for the
# catalogue).
SIGNUP_CANCELLED = gettext_noop("The signup was cancelled.")
ACTION_CANCELLED = gettext_noop("The action was cancelled.")
REMINDER_MOVED = gettext_noop("The shift, the offsets or the place changed.")
NO_PLACE = gettext_noop("The person has no place.")
ACTION_NOT_ON = gettext_noop("The action is not on.")
SHIFT_STARTED = gettext_noop("The shift has started.")
REMINDERS_OFF = gettext_noop("The person turned reminders off.")
MESSAGES_OFF = gettext_noop("The person turned organizers' messages off.")
MESSAGE_DELETED = gettext_noop("The message was deleted.")
LINK_EXPIRED = gettext_noop("The link has expired.")


def _row(signup: Signup, kind: str, **fields) -> Notification:
    return outbox.new(
        kind=kind, target=signup, recipient_id=signup.volunteer_id, **fields
    )


def signed_up(signup: Signup) -> None:
    """A confirmation (place or waitlist) and, with a place, the reminders.

    For a signup just made, inside the transaction that holds its shift's
    lock: a new signup has no reminders yet, so one INSERT writes every row
    (no reading first), and the mail goes after the commit, from a worker.
    """
    outbox.add(
        [
            _row(signup, Kind.CONFIRMATION),
            *(
                _reminder(signup, minutes, due, key)
                for key, (_, minutes, due) in _wanted([signup]).items()
            ),
        ]
    )


def promoted(signups: list[Signup]) -> None:
    outbox.add([_row(signup, Kind.PROMOTED) for signup in signups])
    schedule_reminders(signups)


def signup_cancelled(signup: Signup) -> None:
    """Nothing still waiting for this signup is sent."""
    outbox.drop(outbox.about([signup]), SIGNUP_CANCELLED)


def reminder_key(signup: Signup, minutes: int) -> str:
    starts = int(signup.shift.starts_at.timestamp())
    return f"reminder:{signup.pk}:{minutes}:{starts}"


def schedule_reminders(signups, *, now=None) -> None:
    """Bring the reminders of `signups` in line with their shifts and actions.

    Confirmed signups of published actions get one reminder per offset that
    is still ahead; pending reminders that no longer fit (the shift moved, the
    offsets changed, the place was lost) are dropped. A reminder dropped and
    wanted again is revived, and one already sent is not sent again.
    """
    signups = list(signups)
    if not signups:
        return
    wanted = _wanted(signups, now=now)
    existing = Notification.objects.filter(
        outbox.about(signups), kind=Kind.REMINDER
    ).only("pk", "key", "state")
    revive, stale = [], []
    for row in existing:
        if row.key in wanted:
            del wanted[row.key]  # exists: pending, sending or sent already
            if row.state == NotificationState.DROPPED:
                revive.append(row.pk)
        elif row.state == NotificationState.PENDING:
            stale.append(row.pk)
    Notification.objects.filter(pk__in=revive).update(
        state=NotificationState.PENDING, queued_at=None, last_error=""
    )
    outbox.drop(Q(pk__in=stale), REMINDER_MOVED)
    outbox.add(
        [_reminder(signup, m, due, key) for key, (signup, m, due) in wanted.items()]
    )


def _wanted(signups, *, now=None) -> dict[str, tuple[Signup, int, dt.datetime]]:
    """The reminders `signups` should have, by key: one per offset still ahead,
    for confirmed signups of published actions."""
    now = now or timezone.now()
    wanted = {}
    for signup in signups:
        action = signup.shift.action
        if (
            signup.status != SignupStatus.CONFIRMED
            or action.status != ActionStatus.PUBLISHED
        ):
            continue
        for minutes in action.reminder_offsets:
            due = signup.shift.starts_at - dt.timedelta(minutes=minutes)
            if due > now:
                wanted[reminder_key(signup, minutes)] = (signup, minutes, due)
    return wanted


def _reminder(signup: Signup, minutes: int, due, key: str) -> Notification:
    return _row(
        signup, Kind.REMINDER, due_at=due, key=key, payload={"minutes": minutes}
    )


def recipients(action: Action, shift: Shift | None = None, *, waitlist: bool):
    """The signups a message to the action (or one shift) is written for,
    before each person's own choice about organizers' messages."""
    return _signups(action, shift, waitlist=waitlist)


def _signups(action: Action, shift: Shift | None = None, *, waitlist=True):
    signups = Signup.objects.filter(shift__action=action).select_related(
        "shift__action"
    )
    if shift is not None:
        signups = signups.filter(shift=shift)
    if waitlist:
        return signups.filter(ACTIVE_SIGNUP)
    return signups.filter(status=SignupStatus.CONFIRMED)


def changed(action: Action, fields, *, shift: Shift | None = None) -> None:
    """Tell everyone on the action (or shift) that its time or place changed.

    One pending notice per person: a second edit before it goes adds to it.
    """
    what = sorted(
        ({"time"} if TIME_FIELDS & set(fields) else set())
        | ({"place"} if PLACE_FIELDS & set(fields) else set())
    )
    if what and action.status == ActionStatus.PUBLISHED:
        signups = list(_signups(action, shift))
        waiting = {
            row.target_id: row
            for row in Notification.objects.filter(
                outbox.about(signups),
                kind=Kind.CHANGED,
                state=NotificationState.PENDING,
            )
        }
        for row in waiting.values():
            row.payload = {"what": sorted({*row.payload.get("what", []), *what})}
        Notification.objects.bulk_update(waiting.values(), ["payload"])
        outbox.add(
            [
                _row(signup, Kind.CHANGED, payload={"what": what})
                for signup in signups
                if signup.pk not in waiting
            ]
        )
    if shift is not None and "starts_at" in fields:
        schedule_reminders(_signups(action, shift, waitlist=False))


def cancelled(action: Action) -> None:
    """Drop what was waiting, and tell everyone why the action is off."""
    signups = list(_signups(action))
    outbox.drop(outbox.about(signups), ACTION_CANCELLED)
    outbox.add([_row(signup, Kind.CANCELLED) for signup in signups])


def reschedule(action: Action) -> None:
    """Reminders for the action's confirmed people, after it is published or
    its reminder offsets change."""
    schedule_reminders(_signups(action, waitlist=False))


def message(
    *, action: Action, shift: Shift | None, author, subject, body, waitlist: bool
) -> OrganizerMessage:
    sent = OrganizerMessage.objects.create(
        action=action,
        shift=shift,
        author=author,
        subject=subject,
        body=body,
        include_waitlist=waitlist,
    )
    outbox.add(
        [
            _row(signup, Kind.MESSAGE, payload={"message": sent.pk})
            for signup in _signups(action, shift, waitlist=waitlist)
        ]
    )
    return sent


def guest_requested(request: GuestSignupRequest) -> None:
    """E-mail a guest the link that confirms their signup, as soon as the
    request commits. The row holds nothing but the request: the link's token
    is the key to a place, and staff read rows."""
    outbox.send_now([outbox.new(kind=Kind.GUEST_CONFIRM, target=request)])


# Sending.


def load(ids: list[int]) -> dict[int, Signup]:
    return Signup.objects.select_related(
        "shift__action", "volunteer__notification_preference"
    ).in_bulk(ids)


def language_of(signup: Signup) -> str:
    if signup.volunteer_id is None:
        return signup.language
    return network_selectors.message_language(signup.volunteer)


def _wants(signup: Signup, what: str) -> bool:
    if signup.volunteer_id is None:
        return getattr(signup, f"wants_{what}")
    return network_selectors.wants(signup.volunteer, what)


def _check_needed(row: Notification, signup: Signup) -> None:
    action = signup.shift.action
    if row.kind == Kind.CANCELLED:
        return  # essential: said even if the person cancelled meanwhile
    if signup.status == SignupStatus.CANCELLED:
        raise outbox.NotNeeded(SIGNUP_CANCELLED)
    if row.kind == Kind.REMINDER:
        if signup.status != SignupStatus.CONFIRMED:
            raise outbox.NotNeeded(NO_PLACE)
        if action.status != ActionStatus.PUBLISHED:
            raise outbox.NotNeeded(ACTION_NOT_ON)
        if signup.shift.starts_at <= timezone.now():
            raise outbox.NotNeeded(SHIFT_STARTED)
        if not _wants(signup, "reminders"):
            raise outbox.NotNeeded(REMINDERS_OFF)
    if row.kind == Kind.MESSAGE and not _wants(signup, "messages"):
        raise outbox.NotNeeded(MESSAGES_OFF)


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(f"events:{name}", kwargs=kwargs)


def _lead(row: Notification, signup: Signup, memo: dict) -> tuple[str, str]:
    """The subject and the first lines of the message."""
    action = signup.shift.action
    names = {"role": signup.shift.get_role_display(), "action": action.title}
    kind = row.kind
    if kind == Kind.CONFIRMATION and signup.status == SignupStatus.WAITLISTED:
        return (
            _("On the waitlist: %(role)s at %(action)s") % names,
            _(
                "You are on the waitlist. If a place opens up you get it, in "
                "order, and we write to you."
            ),
        )
    if kind == Kind.CONFIRMATION:
        return (
            _("You are signed up: %(role)s at %(action)s") % names,
            _("Your place is confirmed. Thank you!"),
        )
    if kind == Kind.PROMOTED:
        return (
            _("A place opened up: %(role)s at %(action)s") % names,
            _("A place opened up and it is yours: you are confirmed."),
        )
    if kind == Kind.REMINDER:
        minutes = row.payload.get("minutes", 0)
        if minutes % 60 == 0:
            ahead = ngettext("in %(n)s hour", "in %(n)s hours", minutes // 60) % {
                "n": minutes // 60
            }
        else:
            ahead = ngettext("in %(n)s minute", "in %(n)s minutes", minutes) % {
                "n": minutes
            }
        return (
            _("Reminder: %(role)s at %(action)s, %(ahead)s")
            % {**names, "ahead": ahead},
            _("Your shift starts %(ahead)s.") % {"ahead": ahead},
        )
    if kind == Kind.CHANGED:
        what = set(row.payload.get("what", []))
        if what == {"time"}:
            lead = _("The time has changed. The new details are below.")
        elif what == {"place"}:
            lead = _("The place has changed. The new details are below.")
        else:
            lead = _("The time and place have changed. The new details are below.")
        return _("Changed: %(action)s") % names, lead
    if kind == Kind.CANCELLED:
        return (
            _("Cancelled: %(action)s") % names,
            _("The organizers have cancelled this action. Their reason: %(reason)s")
            % {"reason": action.cancellation_reason or _("none given")},
        )
    sent = memo.setdefault("messages", {})
    pk = row.payload.get("message")
    if pk not in sent:
        sent[pk] = OrganizerMessage.objects.filter(pk=pk).first()
    if sent[pk] is None:
        raise outbox.NotNeeded(MESSAGE_DELETED)
    return (
        _("%(subject)s (%(action)s)") % {"subject": sent[pk].subject, **names},
        sent[pk].body,
    )


def render(row: Notification, signup: Signup, memo: dict) -> outbox.Message:
    _check_needed(row, signup)
    shift = signup.shift
    language = language_of(signup)
    with translation.override(language):
        subject, lead = _lead(row, signup, memo)
        if signup.volunteer_id:
            manage = _url("my-shifts")
            preferences = _url("notification-preferences")
        else:
            manage = _url("guest-signup", token=signup.manage_token)
            preferences = manage + "#preferences"
        context = {
            **_about_shift(shift, language, memo),
            "kind": row.kind,
            "language": language,
            "subject": subject,
            "lead": lead,
            "name": signup.greeting_name,
            "status": signup.get_status_display(),
            "manage_url": manage,
            "preferences_url": preferences,
            "cancelled": row.kind == Kind.CANCELLED,
        }
        text, html = _templates(memo, "events/email/notice")
        return outbox.Message(
            to=signup.contact_email,
            subject=subject,
            text=text.render(context),
            html=html.render(context),
        )


def _about_shift(shift: Shift, language: str, memo: dict) -> dict:
    """What every message about `shift` in `language` says, worked out once
    per delivery task (a batch of reminders is mostly a few shifts)."""
    key = ("shift", shift.pk, language)
    if key not in memo:
        action = shift.action
        memo[key] = {
            "action": action,
            "shift": shift,
            "when": shift_when(shift),
            "action_when": action_when(action),
            "place": _place(action),
            "action_url": _url("action-detail", slug=action.slug),
            "calendar_url": _url("action-calendar", slug=action.slug),
            "google_url": google_calendar_url(action, settings.SITE_URL)
            if action.starts_at or action.start_date
            else "",
        }
    return memo[key]


def _templates(memo: dict, name: str):
    """The text and HTML templates `name`, looked up once per delivery task."""
    key = ("templates", name)
    if key not in memo:
        memo[key] = (get_template(f"{name}.txt"), get_template(f"{name}.html"))
    return memo[key]


def _place(action: Action) -> str:
    parts = (action.venue, action.address, action.place_label)
    return ", ".join(part for part in parts if part)


def load_requests(ids: list[int]) -> dict[int, GuestSignupRequest]:
    return GuestSignupRequest.objects.select_related("shift__action").in_bulk(ids)


def render_request(
    row: Notification, request: GuestSignupRequest, memo: dict
) -> outbox.Message:
    """The link to confirm a guest's signup, in the language of their page.

    Essential: a guest has no choices yet. A request confirmed or purged is
    gone (and its row with it); one whose link has expired is not sent.
    """
    if timezone.now() - request.created_at > dt.timedelta(hours=GUEST_CONFIRM_HOURS):
        raise outbox.NotNeeded(LINK_EXPIRED)
    shift = request.shift
    action = shift.action
    with translation.override(request.language):
        subject = _("Confirm your signup: %(action)s") % {"action": action.title}
        context = {
            "language": request.language,
            "subject": subject,
            # Not the typed name: the address is not confirmed yet, and the
            # mail says only what the app wrote, not what anyone typed.
            "action": action,
            "shift": shift,
            "when": shift_when(shift),
            "action_when": action_when(action),
            "place": _place(action),
            "hours": GUEST_CONFIRM_HOURS,
            "confirm_url": _url("guest-confirm", token=request.token),
        }
        return outbox.Message(
            to=request.email,
            subject=subject,
            text=render_to_string("events/email/guest_confirm.txt", context),
            html=render_to_string("events/email/guest_confirm.html", context),
        )


def register() -> None:
    # The invitation page is ours; networks' renderer may not name it.
    organization_notices.accept_at(
        lambda token: reverse("events:invitation", kwargs={"token": token})
    )
    outbox.register_target(GuestSignupRequest, load_requests)
    outbox.register(Kind.GUEST_CONFIRM, render_request)
    outbox.register_target(Signup, load)
    for kind in (
        Kind.CONFIRMATION,
        Kind.REMINDER,
        Kind.CHANGED,
        Kind.CANCELLED,
        Kind.PROMOTED,
        Kind.MESSAGE,
    ):
        outbox.register(kind, render)


def copies(messages: list[OrganizerMessage]):
    """Each recipient's copy of organizers' messages, with its state."""
    return Notification.objects.filter(
        kind=Kind.MESSAGE, payload__message__in=[m.pk for m in messages]
    ).order_by("pk")
