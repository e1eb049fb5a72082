"""Pages of rapid-response networks.

Public: the network's page, the report form (no login, no name, no IP kept)
and community alerts (kind, neighbourhood, hour). Members with a role: the
desk, reports with their exact place, on-call slots. Dispatchers only: the
reporter's contact, intake, status changes, the schedule. The organization's
admins: setup. Anyone else gets 404, as if the page did not exist.
Dispatchers and verifiers must have two-factor authentication on.
"""

from zoneinfo import ZoneInfo

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from networks.http import client_key, private
from networks.models import Organization
from networks.models.rapid_response import (
    MFA_ROLES,
    ActivityKind,
    Alert,
    AlertAnswer,
    NetworkMember,
    OnCall,
    OnCallSlot,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ResponseNetwork,
    ResponseRole,
    Service,
    Training,
)
from networks.organizations.selectors import is_admin
from networks.rapid_response import services
from networks.rapid_response.forms import (
    LANGUAGE_NAMES,
    NetworkForm,
    NoteForm,
    OutcomeForm,
    ReportForm,
    RoleForm,
    SlotForm,
    StatusForm,
    TrainingForm,
    VerifyForm,
    local_now,
)
from networks.rules import check, members_only, roles_in

Role = ResponseRole
# What the public sees: confirmed activity (also once closed) and false alarms
# (to stop rumours).
PUBLIC = Q(status__in=[ReportStatus.CONFIRMED, ReportStatus.FALSE_ALARM]) | Q(
    status=ReportStatus.CLOSED, confirmed_at__isnull=False
)
PUBLIC_ALERTS_SHOWN = 100


def network_or_404(slug: str) -> ResponseNetwork:
    return get_object_or_404(
        ResponseNetwork.objects.select_related("organization"), slug=slug
    )


def roles_of(user, network) -> set[str]:
    return roles_in(NetworkMember, network, user)


def member(request, network, *allowed) -> set[str]:
    """The person's roles; 404 unless one is in `allowed` (any, if none)."""
    return check(
        request,
        roles_of(request.user, network),
        allowed,
        mfa_roles=MFA_ROLES,
        template="networks/rapid_response/two_factor.html",
    )


# Public.


@require_safe
def network_page(request, slug: str):
    network = network_or_404(slug)
    return render(
        request,
        "networks/rapid_response/network.html",
        {
            "network": network,
            "areas": network.areas.all(),
            "languages": [LANGUAGE_NAMES.get(c, c) for c in network.languages],
            "services": [
                label for value, label in Service.choices if value in network.services
            ],
            "roles": roles_of(request.user, network),
            "is_admin": request.user.is_authenticated
            and is_admin(request.user, network.organization),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, slug: str, *, intake: bool = False):
    network = network_or_404(slug)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        network=network,
        initial={"seen_at": local_now(network)},
    )
    if request.method == "POST" and form.is_valid():
        if not intake and not ratelimit.consume(
            request, action="report", key=client_key(request)
        ):
            form.add_error(None, _("Too many reports from here; call the hotline."))
        elif form.is_spam():
            return redirect("networks:report-thanks", slug=network.slug)
        else:
            try:
                report = services.submit_report(
                    network=network,
                    values={**form.values(), "language": request.LANGUAGE_CODE},
                    photos=form.cleaned_data["photos"],
                    source=ReportSource.HOTLINE if intake else ReportSource.WEB,
                    entered_by=request.user if intake else None,
                )
            except services.ResponseError as error:
                form.add_error("photos", str(error))
            else:
                if intake:
                    messages.success(request, _("The report is on the desk."))
                    return redirect(
                        "networks:report", slug=network.slug, report_id=report.pk
                    )
                return redirect("networks:report-thanks", slug=network.slug)
    return private(
        render(
            request,
            "networks/rapid_response/report_form.html",
            {"network": network, "form": form, "intake": intake},
        )
    )


@require_safe
def report_thanks(request, slug: str):
    network = network_or_404(slug)
    return render(
        request, "networks/rapid_response/report_thanks.html", {"network": network}
    )


def public_alerts(network):
    """Confirmed activity and false alarms: kind, neighbourhood, the hour."""
    zone = ZoneInfo(network.timezone)
    rows = (
        Report.objects.filter(PUBLIC, network=network)
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


@require_safe
def alerts_page(request, slug: str):
    network = network_or_404(slug)
    return render(
        request,
        "networks/rapid_response/alerts.html",
        {"network": network, "alerts": public_alerts(network)},
    )


class AlertsFeed(Feed):
    """The same as the alerts page, as an RSS feed."""

    def get_object(self, request, slug: str):
        return network_or_404(slug)

    def title(self, network):
        return _("%(network)s: community alerts") % {"network": network.name}

    def link(self, network):
        return reverse("networks:alerts", kwargs={"slug": network.slug})

    def description(self, network):
        return _("Confirmed activity and false alarms, by neighbourhood and hour.")

    def items(self, network):
        page = reverse("networks:alerts", kwargs={"slug": network.slug})
        return [
            {**alert, "link": f"{page}#alert-{alert['pk']}"}
            for alert in public_alerts(network)
        ]

    def item_title(self, item):
        return f"{item['status_label']}: {item['kind']} · {item['place']}"

    def item_description(self, item):
        return f"{item['hour']:%Y-%m-%d %H:00 %Z}"

    def item_link(self, item):
        return item["link"]

    def item_guid(self, item):
        return f"report-{item['pk']}-{item['status']}"

    item_guid_is_permalink = False


# Members.


@members_only
@require_safe
def desk(request, slug: str):
    network = network_or_404(slug)
    roles = member(request, network)
    reports = (
        Report.objects.filter(network=network)
        .exclude(status=ReportStatus.CLOSED)
        .order_by("-urgent", "-created_at")
        .only("pk", "kind", "status", "city", "neighbourhood", "urgent", "created_at")
    )[:200]
    return private(
        render(
            request,
            "networks/rapid_response/desk.html",
            {"network": network, "reports": reports, "roles": roles},
        )
    )


def _report(network, report_id: int) -> Report:
    return get_object_or_404(Report, network=network, pk=report_id)


@members_only
@require_safe
def report_detail(request, slug: str, report_id: int):
    network = network_or_404(slug)
    roles = member(request, network)
    report = _report(network, report_id)
    return private(
        render(
            request,
            "networks/rapid_response/report.html",
            {
                "network": network,
                "report": report,
                "roles": roles,
                "is_dispatcher": Role.DISPATCHER in roles,
                "is_verifier": Role.VERIFIER in roles,
                "timeline": report.timeline.select_related("actor"),
                "alerts": report.alerts.select_related("responder"),
                "notes": report.notes.select_related("author"),
                "photos": report.photos.all(),
                "verifications": report.verifications.select_related("verifier"),
                "verify_form": VerifyForm(),
                "status_form": StatusForm(),
                "note_form": NoteForm(),
                "outcome_form": OutcomeForm(
                    initial={
                        name: getattr(report, name) for name in services.OUTCOME_FIELDS
                    }
                ),
            },
        )
    )


@members_only
@require_safe
def report_photo(request, slug: str, report_id: int, photo_id: int):
    network = network_or_404(slug)
    member(request, network)
    photo = get_object_or_404(
        ReportPhoto, pk=photo_id, report__pk=report_id, report__network=network
    )
    return private(FileResponse(photo.image.open("rb"), content_type="image/jpeg"))


def _act(request, slug, report_id, allowed, action):
    """Run `action(report, roles)` for a POST by someone in `allowed`."""
    network = network_or_404(slug)
    roles = member(request, network, *allowed)
    report = _report(network, report_id)
    try:
        action(report, roles)
    except services.ResponseError as error:
        messages.error(request, str(error))
    return redirect("networks:report", slug=network.slug, report_id=report.pk)


@members_only
@require_POST
def report_verify(request, slug: str, report_id: int):
    form = VerifyForm(request.POST)

    def act(report, roles):
        if not form.is_valid():
            raise services.ResponseError(_("Choose how you verified it."))
        services.verify(
            report=report,
            verifier=request.user,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Your verification is recorded."))

    return _act(request, slug, report_id, [Role.VERIFIER], act)


@members_only
@require_POST
def report_start(request, slug: str, report_id: int):
    def act(report, roles):
        services.start_verifying(report=report, actor=request.user)

    return _act(request, slug, report_id, [Role.DISPATCHER], act)


@members_only
@require_POST
def report_dispatch(request, slug: str, report_id: int):
    def act(report, roles):
        count = services.dispatch(report=report, actor=request.user)
        messages.success(
            request, _("%(count)s people on call alerted.") % {"count": count}
        )

    return _act(request, slug, report_id, [Role.DISPATCHER], act)


@members_only
@require_POST
def report_status(request, slug: str, report_id: int):
    form = StatusForm(request.POST)

    def act(report, roles):
        if not form.is_valid():
            raise services.ResponseError(_("Choose a status."))
        services.set_status(
            report=report,
            actor=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )

    return _act(request, slug, report_id, [Role.DISPATCHER], act)


@members_only
@require_POST
def report_note(request, slug: str, report_id: int):
    form = NoteForm(request.POST)

    def act(report, roles):
        if not form.is_valid():
            raise services.ResponseError(_("Write something first."))
        services.add_note(
            report=report, author=request.user, text=form.cleaned_data["text"]
        )

    return _act(request, slug, report_id, [], act)


@members_only
@require_POST
def report_outcome(request, slug: str, report_id: int):
    form = OutcomeForm(request.POST)

    def act(report, roles):
        if not form.is_valid():
            raise services.ResponseError(
                " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        services.record_outcome(
            report=report, actor=request.user, values=form.cleaned_data
        )

    return _act(request, slug, report_id, [], act)


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request, slug: str):
    """Hotline calls, entered by a dispatcher through the public form's fields."""
    network = network_or_404(slug)
    member(request, network, Role.DISPATCHER)
    return report_form(request, slug, intake=True)


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def on_call(request, slug: str):
    network = network_or_404(slug)
    roles = member(request, network)
    form = SlotForm(request.POST or None, network=network)
    if request.method == "POST":
        if Role.DISPATCHER not in roles:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_slot(
                    network=network,
                    starts_at=data["starts"],
                    ends_at=data["ends"],
                    tier=data["tier"],
                    places=data["places"],
                    areas=network.areas.filter(pk__in=data["areas"]),
                )
            except services.ResponseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The slot is added."))
                return redirect("networks:on-call", slug=network.slug)
    slots = (
        OnCallSlot.objects.filter(network=network, ends_at__gt=timezone.now())
        .prefetch_related("areas", "people__user")
        .order_by("starts_at", "tier")
    )
    mine = set(
        OnCall.objects.filter(slot__in=slots, user=request.user).values_list(
            "slot_id", flat=True
        )
    )
    return private(
        render(
            request,
            "networks/rapid_response/on_call.html",
            {
                "network": network,
                "slots": slots,
                "mine": mine,
                "form": form,
                "is_dispatcher": Role.DISPATCHER in roles,
                "zone": ZoneInfo(network.timezone),
            },
        )
    )


@members_only
@require_POST
def on_call_take(request, slug: str, slot_id: int):
    network = network_or_404(slug)
    member(request, network)
    slot = get_object_or_404(OnCallSlot, network=network, pk=slot_id)
    if request.POST.get("leave"):
        services.leave_slot(slot=slot, user=request.user)
    else:
        try:
            services.take_slot(slot_id=slot.pk, user=request.user)
        except services.ResponseError as error:
            messages.error(request, str(error))
    return redirect("networks:on-call", slug=network.slug)


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def alert_page(request, alert_id: int):
    """A responder's own alert: the report, and going or not."""
    alert = get_object_or_404(
        Alert.objects.select_related("report__network"),
        pk=alert_id,
        responder=request.user,
    )
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer in {"yes", "no"}:
            services.answer_alert(alert=alert, accept=answer == "yes")
            messages.success(
                request, _("Thank you; the dispatcher can see your answer.")
            )
        else:
            messages.error(request, _("Answer “I am going” or “I cannot go”."))
        return redirect("networks:alert", alert_id=alert.pk)
    return private(
        render(
            request,
            "networks/rapid_response/alert.html",
            {
                "alert": alert,
                "report": alert.report,
                "network": alert.report.network,
                "waiting": alert.answer == AlertAnswer.WAITING,
            },
        )
    )


# Setup, by the organization's admins.


def _admin_network(request, slug: str) -> ResponseNetwork:
    network = network_or_404(slug)
    if not is_admin(request.user, network.organization):
        raise Http404
    return network


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_new(request, organization: str):
    org = get_object_or_404(Organization, slug=organization)
    if not is_admin(request.user, org):
        raise Http404
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = services.create_network(organization=org, values=form.cleaned_data)
        messages.success(request, _("The network is set up."))
        return redirect("networks:setup", slug=network.slug)
    return render(
        request,
        "networks/rapid_response/network_form.html",
        {"form": form, "organization": org},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request, slug: str):
    network = _admin_network(request, slug)
    org = network.organization
    form = NetworkForm(
        request.POST if "name" in request.POST else None,
        initial=NetworkForm.initial_for(network),
    )
    role_form = RoleForm(
        request.POST if "role" in request.POST else None, organization=org
    )
    training_form = TrainingForm(
        request.POST if "kind" in request.POST else None, organization=org
    )
    if request.method == "POST":
        done = False
        try:
            if form.is_bound and form.is_valid():
                services.update_network(network=network, values=form.cleaned_data)
                done = True
            elif training_form.is_bound and training_form.is_valid():
                data = training_form.cleaned_data
                services.record_training(
                    network=network,
                    user=data["user"],
                    kind=data["kind"],
                    completed_on=data["completed_on"],
                    actor=request.user,
                )
                done = True
            elif role_form.is_bound and role_form.is_valid():
                data = role_form.cleaned_data
                if request.POST.get("remove"):
                    services.remove_role(
                        network=network, user=data["user"], role=data["role"]
                    )
                else:
                    services.give_role(
                        network=network, user=data["user"], role=data["role"]
                    )
                done = True
        except services.ResponseError as error:
            role_form.add_error(None, str(error))
        if done:
            messages.success(request, _("Saved."))
            return redirect("networks:setup", slug=network.slug)
    return private(
        render(
            request,
            "networks/rapid_response/setup.html",
            {
                "network": network,
                "form": form,
                "role_form": role_form,
                "training_form": training_form,
                "members": network.members.select_related("user").order_by(
                    "user__email", "role"
                ),
                "trainings": Training.objects.filter(network=network).select_related(
                    "user"
                ),
            },
        )
    )


alerts_feed = AlertsFeed()
