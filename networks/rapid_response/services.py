"""Writes to rapid-response networks: setup, on-call, reports, verification,
dispatch, escalation, follow-up and retention.

These functions keep the data consistent and write every step on the
report's timeline. Who may call which of them is in rules.py: each view runs
its rule first.
"""

import datetime as dt
import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from networks.models import AuditVerb, NotificationKind
from networks.models.mutual_aid import AidNetwork, HelpRequest
from networks.models.rapid_response import (
    ROLE_TRAINING,
    Alert,
    AlertAnswer,
    AreaKind,
    CoverageArea,
    Duty,
    NetworkMember,
    OnCall,
    OnCallSlot,
    Report,
    ReportNote,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ResponseNetwork,
    ResponseRole,
    Step,
    TimelineEntry,
    Training,
    Verification,
)
from networks.mutual_aid import services as aid_services
from networks.organizations.services import record, unique_slug
from networks.outbox import services as outbox

# Phones send HEIC (iPhone's default); Pillow reads it with pillow-heif.
register_heif_opener()


class ResponseError(Exception):
    """A request that cannot be done; the message says why."""


def fold(value: str) -> str:
    """How places are compared: lower case, single spaces."""
    return " ".join(value.split()).lower()


# Setup (the organization's admins).


@transaction.atomic
def create_network(*, organization, values: dict) -> ResponseNetwork:
    network = ResponseNetwork(
        organization=organization, slug=unique_slug(ResponseNetwork, values["name"])
    )
    return update_network(network=network, values=values)


@transaction.atomic
def update_network(*, network: ResponseNetwork, values: dict) -> ResponseNetwork:
    values = dict(values)
    areas = values.pop("areas", None)
    for name, value in values.items():
        setattr(network, name, value)
    network.full_clean()
    network.save()
    if areas is not None:
        _set_areas(network, {(kind, fold(value)) for kind, value in areas})
    return network


def _set_areas(network, wanted: set[tuple[str, str]]) -> None:
    """Keep the areas still wanted (and the on-call slots that name them),
    delete the rest, add the new ones."""
    current = {(a.kind, a.value): a.pk for a in network.areas.all()}
    network.areas.filter(
        pk__in=[pk for key, pk in current.items() if key not in wanted]
    ).delete()
    CoverageArea.objects.bulk_create(
        CoverageArea(network=network, kind=kind, value=value)
        for kind, value in sorted(wanted - current.keys())
    )


def record_training(*, network, user, kind: str, completed_on, actor) -> Training:
    return Training.objects.update_or_create(
        network=network,
        user=user,
        kind=kind,
        defaults={"completed_on": completed_on, "recorded_by": actor},
    )[0]


def give_role(*, network, user, role: str) -> NetworkMember:
    """Refused when the role needs a training the person has not recorded."""
    needed = ROLE_TRAINING.get(role)
    if (
        needed
        and not Training.objects.filter(
            network=network, user=user, kind=needed
        ).exists()
    ):
        raise ResponseError(
            _("%(role)s needs %(training)s first; record it, then give the role.")
            % {
                "role": ResponseRole(role).label,
                "training": needed.label,
            }
        )
    return NetworkMember.objects.get_or_create(network=network, user=user, role=role)[0]


def remove_role(*, network, user, role: str) -> None:
    NetworkMember.objects.filter(network=network, user=user, role=role).delete()


# On call (dispatchers build the schedule; people with a role take slots).


def add_slot(
    *,
    network,
    starts_at,
    ends_at,
    tier: int,
    places: int,
    areas=(),
    duty: str = Duty.RESPOND,
):
    if ends_at <= starts_at:
        raise ResponseError(_("The end is not after the start."))
    slot = OnCallSlot(
        network=network,
        starts_at=starts_at,
        ends_at=ends_at,
        tier=tier,
        places=places,
        duty=duty,
    )
    slot.full_clean()
    slot.save()
    slot.areas.set(areas)
    return slot


def take_slot(*, slot_id: int, user) -> OnCall:
    """A place on call, if the slot has one free (the slot row is locked)."""
    with transaction.atomic():
        slot = OnCallSlot.objects.select_for_update().filter(pk=slot_id).first()
        if slot is None:
            raise ResponseError(_("This slot does not exist."))
        if slot.ends_at <= timezone.now():
            raise ResponseError(_("This slot is over."))
        if slot.people.count() >= slot.places:
            raise ResponseError(_("This slot is full."))
        if (
            slot.duty == Duty.DISPATCH
            and not NetworkMember.objects.filter(
                network=slot.network_id, user=user, role=ResponseRole.DISPATCHER
            ).exists()
        ):
            raise ResponseError(_("Only dispatchers can take a place at the desk."))
        try:
            with transaction.atomic():
                return OnCall.objects.create(slot=slot, user=user)
        except IntegrityError as error:
            raise ResponseError(_("You are already on call then.")) from error


def look_at_desk(*, network, user) -> dt.datetime:
    """Note that `user` opened the desk now; returns when they last had
    (now, on their first look), so the desk can mark what is new since."""
    now = timezone.now()
    rows = NetworkMember.objects.filter(network=network, user=user)
    seen = [at for at in rows.values_list("desk_seen_at", flat=True) if at]
    rows.update(desk_seen_at=now)
    return max(seen, default=now)


def leave_slot(*, slot, user) -> None:
    OnCall.objects.filter(slot=slot, user=user).delete()


# Reports.

# A phone's photo: 12 or 24 megapixels by default (a 48 MP mode is refused).
PHOTO_MAX_PIXELS = 25_000_000
# What a picture may take decoded (a 25 MP photo in RGB; 20 MP with alpha).
PHOTO_MAX_DECODED = 80_000_000
# Stored photos are at most this wide or tall: enough to read a plate.
PHOTO_MAX_SIDE = 2560
# JPEG and MPO (a phone's JPEG with a depth or preview frame) are decoded
# already shrunk (Image.draft), so their memory stays small whatever their size.
# (Pillow opens MPO through its JPEG plugin.)
PHOTO_FORMATS = ["HEIF", "JPEG", "PNG", "WEBP"]
PHOTOS_PER_REPORT = 4


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` shrunk, keeping its shape, to fit a square of `side`."""
    scale = min(1, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _check_size(image) -> None:
    """Refuses, from the header alone, a picture too large to decode: more
    pixels than a phone takes, or more bytes than PHOTO_MAX_DECODED decoded."""
    pixels = image.width * image.height
    bands = len(image.getbands())
    most = min(PHOTO_MAX_PIXELS, PHOTO_MAX_DECODED // bands)
    if pixels > most:
        raise ResponseError(
            _("A photo may be at most %(mp)s megapixels; nothing was saved.")
            % {"mp": most // 1_000_000}
        )


def clean_photo(upload) -> ContentFile:
    """The picture only: re-encoded as JPEG with no EXIF, GPS, XMP or other
    metadata, turned upright first, at most PHOTO_MAX_SIDE pixels a side.

    The format and size are read from the header before anything is decoded;
    raises ResponseError for anything that is not a JPEG, PNG, WebP or HEIC
    picture of at most PHOTO_MAX_PIXELS.
    """
    if upload.size > settings.UPLOAD_FILE_MAX_BYTES:
        raise ResponseError(
            _("A photo may be at most %(mb)s MB; nothing was saved.")
            % {"mb": settings.UPLOAD_FILE_MAX_BYTES >> 20}
        )
    try:
        with Image.open(upload, formats=PHOTO_FORMATS) as image:
            image.draft("RGB", _fit(image.size, PHOTO_MAX_SIDE))  # JPEG: 1/2..1/8
            _check_size(image)
            image.load()
            # To RGB before reduce(): with alpha it would copy the whole
            # picture premultiplied first.
            rgb = image if image.mode == "RGB" else image.convert("RGB")
            factor = -(-max(rgb.size) // PHOTO_MAX_SIDE)
            upright = rgb.reduce(factor) if factor > 1 else rgb.copy()
            ImageOps.exif_transpose(upright, in_place=True)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ResponseError(
            _("This file is not a JPEG, PNG, WebP or HEIC picture we can read.")
        ) from error
    clean = io.BytesIO()
    upright.save(clean, format="JPEG", quality=85)  # no exif= argument: none kept
    return ContentFile(clean.getvalue(), name="photo.jpg")


def _log(report: Report, actor, what: str, detail: str = "") -> None:
    TimelineEntry.objects.create(report=report, actor=actor, what=what, detail=detail)


@transaction.atomic
def submit_report(
    *, network, values: dict, photos=(), source=ReportSource.WEB, entered_by=None
) -> Report:
    """A new report; urgent ones are dispatched at once, unverified."""
    cleaned = [clean_photo(photo) for photo in photos[:PHOTOS_PER_REPORT]]
    report = Report(network=network, source=source, **values)
    report.zip_code = report.zip_code.strip()
    report.tracking_code = new_tracking_code()
    report.full_clean()
    report.save()
    for content in cleaned:
        ReportPhoto.objects.create(report=report, image=content)
    _log(report, entered_by, Step.RECEIVED, source)
    tell_dispatchers(report=report, entered_by=entered_by)
    if report.urgent:
        dispatch(report=report, actor=entered_by)
    return report


# Crockford's base32 without the letters people misread (I, L, O, U): ten of
# them are 50 bits, too many to guess at the tracking page's rate limit.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_code() -> str:
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


def dispatchers_on_duty(network, now) -> list[int]:
    """Ids of the dispatchers to tell of a new report: those on the desk's
    rota now, or, when nobody is, every dispatcher of the network."""
    dispatchers = NetworkMember.objects.filter(
        network=network, role=ResponseRole.DISPATCHER
    ).values_list("user_id", flat=True)
    on_duty = (
        OnCall.objects.filter(
            slot__network=network,
            slot__duty=Duty.DISPATCH,
            slot__starts_at__lte=now,
            slot__ends_at__gt=now,
            user_id__in=dispatchers,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(on_duty) or list(dispatchers)


def tell_dispatchers(*, report: Report, entered_by=None) -> int:
    """Queue a "new report" notice to each dispatcher on duty but the one who
    entered it; sent as soon as the report commits. Returns how many."""
    people = [
        pk
        for pk in dispatchers_on_duty(report.network, timezone.now())
        if entered_by is None or pk != entered_by.pk
    ]
    rows = outbox.add(
        [
            outbox.new(
                kind=NotificationKind.NEW_REPORT,
                target=report,
                recipient_id=pk,
                key=f"new-report:{report.pk}:{pk}",
            )
            for pk in people
        ]
    )
    return len(rows)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


OPEN = [ReportStatus.NEW, ReportStatus.VERIFYING]


@transaction.atomic
def start_verifying(*, report: Report, actor) -> Report:
    report = _locked(report)
    if report.status == ReportStatus.NEW:
        report.status = ReportStatus.VERIFYING
        report.save(update_fields=["status"])
        _log(report, actor, Step.VERIFYING)
    return report


@transaction.atomic
def verify(*, report: Report, verifier, method: str, note: str = "") -> Report:
    """Record one verifier's check; enough of them confirm the report."""
    report = _locked(report)
    if report.status not in (*OPEN, ReportStatus.CONFIRMED):
        raise ResponseError(_("This report is no longer being verified."))
    try:
        with transaction.atomic():
            Verification.objects.create(
                report=report, verifier=verifier, method=method, note=note.strip()
            )
    except IntegrityError as error:
        raise ResponseError(_("You have already verified this report.")) from error
    _log(report, verifier, Step.VERIFIED, method)
    count = report.verifications.count()
    if report.status in OPEN and count >= report.network.verifications_needed:
        report.status = ReportStatus.CONFIRMED
        report.confirmed_at = timezone.now()
        report.save(update_fields=["status", "confirmed_at"])
        _log(report, verifier, Step.CONFIRMED, str(count))
        if report.dispatched_at is None:
            dispatch(report=report, actor=verifier)
    elif report.status == ReportStatus.NEW:
        report.status = ReportStatus.VERIFYING
        report.save(update_fields=["status"])
    return report


FINAL = {
    ReportStatus.UNCONFIRMED: [*OPEN],
    ReportStatus.FALSE_ALARM: [*OPEN, ReportStatus.CONFIRMED],
    ReportStatus.CLOSED: [
        *OPEN,
        ReportStatus.CONFIRMED,
        ReportStatus.UNCONFIRMED,
        ReportStatus.FALSE_ALARM,
    ],
}


@transaction.atomic
def set_status(*, report: Report, actor, status: str, note: str = "") -> Report:
    """Unconfirmed, false alarm or closed, from the states that allow it."""
    report = _locked(report)
    if report.status not in FINAL.get(status, []):
        raise ResponseError(
            _("A report that is %(now)s cannot become %(then)s.")
            % {
                "now": report.get_status_display(),
                "then": ReportStatus(status).label
                if status in ReportStatus.values
                else status,
            }
        )
    report.status = status
    if status == ReportStatus.CLOSED:
        report.closed_at = timezone.now()
    report.save(update_fields=["status", "closed_at"])
    _log(report, actor, status, note.strip()[:1000])
    return report


# Dispatch and escalation.


MAX_TIER = 5  # as OnCallSlot's constraint allows


def _on_call(report: Report, tier: int, now) -> list[int]:
    """Ids of people on call now in `tier` whose slot covers the report."""
    folded = {(AreaKind.CITY, fold(report.city))}
    if report.zip_code:
        folded.add((AreaKind.ZIP, fold(report.zip_code)))
    covers = Q()
    for kind, value in folded:
        covers |= Q(slot__areas__kind=kind, slot__areas__value=value)
    return list(
        OnCall.objects.filter(
            slot__network=report.network_id,
            slot__duty=Duty.RESPOND,
            slot__tier=tier,
            slot__starts_at__lte=now,
            slot__ends_at__gt=now,
        )
        .filter(Q(slot__areas__isnull=True) | covers)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _not_yet_alerted(report: Report, tier: int, now) -> list[int]:
    already = set(report.alerts.values_list("responder_id", flat=True))
    return [pk for pk in _on_call(report, tier, now) if pk not in already]


def _alert(report: Report, tier: int, actor, now, people: list[int]) -> int:
    """Alert `people` as group `tier`; returns how many were alerted. The
    timeline says "tier:count", which escalation reads back."""
    alerts = Alert.objects.bulk_create(
        Alert(report=report, responder_id=pk, tier=tier) for pk in people
    )
    outbox.add(
        [
            outbox.new(
                kind=NotificationKind.ALERT,
                target=alert,
                recipient_id=alert.responder_id,
            )
            for alert in alerts
        ]
    )
    _log(report, actor, Step.ALERTED, f"{tier}:{len(alerts)}")
    return len(alerts)


@transaction.atomic
def dispatch(*, report: Report, actor=None) -> int:
    """Alert the first group on call for the report's place."""
    report = _locked(report)
    if report.dispatched_at is not None:
        return 0
    now = timezone.now()
    report.dispatched_at = now
    report.save(update_fields=["dispatched_at"])
    return _alert(report, 1, actor, now, _not_yet_alerted(report, 1, now))


def escalate(*, now=None) -> int:
    """Reports dispatched with nobody going after the network's wait get the
    next group. Returns how many reports were escalated."""
    now = now or timezone.now()
    escalated = 0
    candidates = Report.objects.filter(
        dispatched_at__isnull=False, status__in=[*OPEN, ReportStatus.CONFIRMED]
    ).exclude(alerts__answer=AlertAnswer.ACCEPTED)
    for report_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update()
                .select_related("network")
                .get(pk=report_id)
            )
            if report.alerts.filter(answer=AlertAnswer.ACCEPTED).exists():
                continue
            last = report.timeline.filter(
                what__in=[Step.ALERTED, Step.NOBODY_LEFT]
            ).last()
            if last is None or last.what == Step.NOBODY_LEFT:
                continue
            wait = dt.timedelta(minutes=report.network.escalate_after_minutes)
            if last.at > now - wait:
                continue
            tier = int(last.detail.split(":")[0])
            # The next group with someone not yet alerted; groups may be empty.
            for next_tier in range(tier + 1, MAX_TIER + 1):
                people = _not_yet_alerted(report, next_tier, now)
                if people:
                    _alert(report, next_tier, None, now, people)
                    escalated += 1
                    break
            else:
                _log(report, None, Step.NOBODY_LEFT, str(tier))
    return escalated


@transaction.atomic
def answer_alert(*, alert: Alert, accept: bool) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    alert.answer = AlertAnswer.ACCEPTED if accept else AlertAnswer.DECLINED
    alert.answered_at = timezone.now()
    alert.save(update_fields=["answer", "answered_at"])
    _log(alert.report, alert.responder, Step.GOING if accept else Step.NOT_GOING)
    return alert


# Follow-up.


def add_note(*, report: Report, author, text: str) -> ReportNote:
    text = text.strip()
    if not text:
        raise ResponseError(_("Write something first."))
    note = ReportNote.objects.create(report=report, author=author, text=text)
    _log(report, author, Step.NOTE)
    return note


OUTCOME_FIELDS = [
    "detained",
    "released",
    "legal_referral",
    "family_support",
    "referred_to",
]


@transaction.atomic
def record_outcome(*, report: Report, actor, values: dict) -> Report:
    report = _locked(report)
    changes = []
    for name in OUTCOME_FIELDS:
        if name in values and getattr(report, name) != values[name]:
            setattr(report, name, values[name])
            changes.append(name)
    if changes:
        report.full_clean()
        report.save(update_fields=changes)
        _log(report, actor, Step.OUTCOME, ", ".join(changes))
    return report


# From a report to a request for help.


@transaction.atomic
def open_help_request(
    *,
    report: Report,
    actor,
    aid_network: AidNetwork,
    values: dict,
    consent: bool,
) -> HelpRequest:
    """After a detention, a request for help (bond, rent, childcare…) in
    the organization's own mutual-aid network, prefilled with the report's
    area and language. The reporter's contact goes with it only when the
    family agreed (`consent`); the report's words and exact place never do.
    The request waits for a coordinator like any other."""
    report = _locked(report)
    if not report.detained:
        raise ResponseError(
            _("Record under Outcome how many people were detained first.")
        )
    if aid_network.organization_id != report.network.organization_id:
        raise ResponseError(_("Choose a mutual-aid network of this organization."))
    if consent and not report.contact:
        raise ResponseError(
            _("This report has no contact to share; leave the box unticked.")
        )
    area = {
        "zip_code": report.zip_code,
        "neighbourhood": report.neighbourhood or report.city,
        "language": report.language,
    }
    try:
        help_request = aid_services.refer(
            network=aid_network,
            values={**values, **area},
            contact=report.contact if consent else "",
        )
    except aid_services.AidError as error:
        raise ResponseError(str(error)) from error
    _log(
        report,
        actor,
        Step.HELP,
        f"{help_request.kind}:{'contact' if consent else 'none'}",
    )
    return help_request


# Retention.


def apply_retention(*, now=None) -> dict[str, int]:
    """Each network's schedule: reports never confirmed are deleted after
    `unverified_days`; reporters' contacts after `contact_days`; exact places
    of closed reports are coarsened to the neighbourhood at once."""
    now = now or timezone.now()
    deleted = contacts = coarsened = 0
    for network in ResponseNetwork.objects.all():
        old = now - dt.timedelta(days=network.unverified_days)
        reports = Report.objects.filter(network=network)
        never_confirmed = reports.filter(
            confirmed_at__isnull=True, created_at__lt=old
        ).prefetch_related("photos")
        for report in never_confirmed:
            for photo in report.photos.all():
                photo.image.delete(save=False)
            report.delete()
            deleted += 1
        contacts += (
            reports.filter(created_at__lt=now - dt.timedelta(days=network.contact_days))
            .exclude(contact="")
            .update(contact="", contact_purged_at=now)
        )
        coarsened += reports.filter(
            status=ReportStatus.CLOSED, coarsened_at__isnull=True
        ).update(location="", coarsened_at=now)
    return {"reports": deleted, "contacts": contacts, "places": coarsened}


# Emergency erase.

# Timeline steps whose detail is data (a method, "tier:count", field names);
# the others hold the note a person typed.
_STRUCTURED_STEPS = [
    Step.RECEIVED,
    Step.VERIFIED,
    Step.ALERTED,
    Step.NOBODY_LEFT,
    Step.CONFIRMED,
    Step.OUTCOME,
]


@transaction.atomic
def erase_sensitive_data(*, network: ResponseNetwork, actor) -> dict[str, int]:
    """Erase at once what could expose anyone in the network's reports: the
    contacts, exact places, descriptions, photos (the files too, once this
    commits), notes and the notes typed into verifications and status
    changes. The reports stay, as counts by kind, area, hour and status. The
    audit log records who did it and the counts, nothing else."""
    now = timezone.now()
    reports = Report.objects.filter(network=network)
    photos = list(ReportPhoto.objects.filter(report__network=network))
    ReportPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    for photo in photos:
        transaction.on_commit(lambda p=photo: p.image.delete(save=False))
    notes, _ = ReportNote.objects.filter(report__network=network).delete()
    Verification.objects.filter(report__network=network).update(note="")
    TimelineEntry.objects.filter(report__network=network).exclude(
        what__in=_STRUCTURED_STEPS
    ).update(detail="")
    counts = {
        "reports": reports.update(
            contact="", location="", description="", contact_purged_at=now
        ),
        "photos": len(photos),
        "notes": notes,
    }
    reports.filter(coarsened_at__isnull=True).update(coarsened_at=now)
    record(
        organization=network.organization,
        actor=actor,
        verb=AuditVerb.ERASED,
        subject=network.name,
        changes=counts,
    )
    return counts
