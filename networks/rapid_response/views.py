"""Pages of rapid-response networks.

Public: the network's page, the report form (no login, no name, no IP kept)
and community alerts (kind, neighbourhood, hour). Members with a role: the
desk, reports with their exact place, on-call slots. Dispatchers only: the
reporter's contact, intake, status changes, the schedule. The organization's
admins: setup. Who may open what is in rules.py; anyone else gets 404, as if
the page did not exist.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from networks import uploads
from networks.http import client_key, erase_page, private
from networks.languages import language_name
from networks.models.rapid_response import (
    AlertAnswer,
    ReportSource,
    Service,
)
from networks.rapid_response import rules, selectors, services
from networks.rapid_response.forms import (
    TRACKING_CODE,
    AnswerForm,
    HelpForm,
    NetworkForm,
    NoteForm,
    OutcomeForm,
    ReportForm,
    RoleForm,
    SlotForm,
    StatusForm,
    TrackForm,
    TrainingForm,
    VerifyForm,
    local_now,
)

# Public.


@rules.public
@require_safe
def network_page(request, slug: str):
    network = rules.network(slug)
    return render(
        request,
        "networks/rapid_response/network.html",
        {
            "network": network,
            "areas": selectors.areas(network),
            # Not "languages": base.html names its language menu so.
            "network_languages": [language_name(c) for c in network.languages],
            "services": [
                label for value, label in Service.choices if value in network.services
            ],
            "roles": rules.roles(request.user, network),
            "is_admin": rules.may_set_up(request.user, network),
        },
    )


@rules.public
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, slug: str):
    return _report_form(request, rules.network(slug), intake=False)


def _report_form(request, network, *, intake: bool):
    """The public form; a dispatcher's intake skips the rate limit, records
    who entered the call and goes on to the report."""
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        network=network,
        upload_refused=uploads.refusal(request),
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
                    return _to_report(report)
                thanks = reverse(
                    "networks:report-thanks", kwargs={"slug": network.slug}
                )
                return redirect(f"{thanks}?{urlencode({'code': report.tracking_code})}")
    return private(
        render(
            request,
            "networks/rapid_response/report_form.html",
            {"network": network, "form": form, "intake": intake},
        )
    )


@rules.public
@require_safe
def report_thanks(request, slug: str):
    """Thanks, and the tracking code to follow the report by (if well formed)."""
    code = request.GET.get("code", "")
    return private(
        render(
            request,
            "networks/rapid_response/report_thanks.html",
            {
                "network": rules.network(slug),
                "code": code if TRACKING_CODE.fullmatch(code) else "",
            },
        )
    )


@rules.public
@require_http_methods(["GET", "HEAD", "POST"])
def track(request, slug: str):
    """A report's status by its tracking code: no contact, no login. Posted,
    so codes stay out of addresses and logs and tries can be counted."""
    network = rules.network(slug)
    form = TrackForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="track", key=client_key(request)):
            form.add_error(None, _("Too many tries from here; wait an hour."))
        else:
            status = selectors.tracked_status(network, form.cleaned_data["code"])
            if status is None:
                form.add_error("code", _("No report has this code in this network."))
    return private(
        render(
            request,
            "networks/rapid_response/track.html",
            {"network": network, "form": form, "status": status},
        )
    )


@rules.public
@require_safe
def rights(request, slug: str):
    """Know your rights: the network's own text, or the site's general one."""
    network = rules.network(slug)
    return render(
        request,
        "networks/rapid_response/rights.html",
        {"network": network, "text": network.rights(request.LANGUAGE_CODE)},
    )


@rules.public
@require_safe
def alerts_page(request, slug: str):
    network = rules.network(slug)
    return render(
        request,
        "networks/rapid_response/alerts.html",
        {"network": network, "alerts": selectors.public_alerts(network)},
    )


class AlertsFeed(Feed):
    """The same as the alerts page, as an RSS feed."""

    def get_object(self, request, slug: str):
        return rules.network(slug)

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
            for alert in selectors.public_alerts(network)
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


alerts_feed = rules.public(AlertsFeed())


# Members.


@rules.members_only
@require_safe
def desk(request, slug: str):
    """Open reports; what came in since the person last looked is marked new,
    and the page fetches its table again every few seconds (desk_reports)."""
    access = rules.access(request, slug)
    since = services.look_at_desk(network=access.network, user=request.user)
    context = _desk(access, since)
    return private(render(request, "networks/rapid_response/desk.html", context))


@rules.members_only
@require_safe
def desk_reports(request, slug: str):
    """The desk's table alone, new since `since` (milliseconds since 1970)."""
    access = rules.access(request, slug)
    try:
        since = dt.datetime.fromtimestamp(int(request.GET["since"]) / 1000, tz=dt.UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return private(
            HttpResponseBadRequest(
                _("“since” must be a time in milliseconds since 1970.")
            )
        )
    context = _desk(access, since)
    return private(
        render(request, "networks/rapid_response/desk_reports.html", context)
    )


def _desk(access, since) -> dict:
    reports = selectors.open_reports(access.network)
    return {
        "network": access.network,
        "reports": reports,
        "new": sum(report.created_at > since for report in reports),
        "since": since,
        "since_ms": int(since.timestamp() * 1000),
        "refresh_seconds": settings.DESK_REFRESH_SECONDS,
        "roles": access.roles,
    }


@rules.members_only
@require_safe
def report_detail(request, slug: str, report_id: int):
    access = rules.access(request, slug)
    report = rules.report_in(access.network, report_id)
    return private(
        render(
            request,
            "networks/rapid_response/report.html",
            {
                "network": access.network,
                "report": report,
                "roles": access.roles,
                "is_dispatcher": access.dispatcher,
                "is_verifier": access.verifier,
                **selectors.report_record(report),
                "verify_form": VerifyForm(),
                "status_form": StatusForm(),
                "note_form": NoteForm(),
                "outcome_form": OutcomeForm(initial=OutcomeForm.initial_for(report)),
                "help_form": HelpForm(organization=access.network.organization),
            },
        )
    )


@rules.members_only
@require_safe
def report_photo(request, slug: str, report_id: int, photo_id: int):
    photo = rules.photo_for_member(request, slug, report_id, photo_id)
    return private(FileResponse(photo.image.open("rb"), content_type="image/jpeg"))


def _to_report(report):
    return redirect("networks:report", slug=report.network.slug, report_id=report.pk)


@rules.members_only
@require_POST
def report_verify(request, slug: str, report_id: int):
    report = rules.report_for_verifier(request, slug, report_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how you verified it."))
        return _to_report(report)
    try:
        services.verify(
            report=report,
            verifier=request.user,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        )
    except services.ResponseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your verification is recorded."))
    return _to_report(report)


@rules.members_only
@require_POST
def report_start(request, slug: str, report_id: int):
    report = rules.report_for_dispatcher(request, slug, report_id)
    services.start_verifying(report=report, actor=request.user)
    return _to_report(report)


@rules.members_only
@require_POST
def report_dispatch(request, slug: str, report_id: int):
    report = rules.report_for_dispatcher(request, slug, report_id)
    count = services.dispatch(report=report, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s person on call alerted.",
            "%(count)s people on call alerted.",
            count,
        )
        % {"count": count},
    )
    return _to_report(report)


@rules.members_only
@require_POST
def report_status(request, slug: str, report_id: int):
    report = rules.report_for_dispatcher(request, slug, report_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _to_report(report)
    try:
        services.set_status(
            report=report,
            actor=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except services.ResponseError as error:
        messages.error(request, str(error))
    return _to_report(report)


@rules.members_only
@require_POST
def report_note(request, slug: str, report_id: int):
    report = rules.report_for_member(request, slug, report_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
        return _to_report(report)
    try:
        services.add_note(
            report=report, author=request.user, text=form.cleaned_data["text"]
        )
    except services.ResponseError as error:
        messages.error(request, str(error))
    return _to_report(report)


@rules.members_only
@require_POST
def report_outcome(request, slug: str, report_id: int):
    report = rules.report_for_member(request, slug, report_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return _to_report(report)
    services.record_outcome(report=report, actor=request.user, values=form.cleaned_data)
    return _to_report(report)


@rules.members_only
@require_POST
def report_help(request, slug: str, report_id: int):
    """A dispatcher opens a request for help in the organization's
    mutual-aid network after a detention."""
    report = rules.report_for_dispatcher(request, slug, report_id)
    form = HelpForm(request.POST, organization=report.network.organization)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return _to_report(report)
    try:
        services.open_help_request(
            report=report,
            actor=request.user,
            aid_network=form.cleaned_data["network"],
            values=form.values(),
            consent=form.cleaned_data["consent"],
        )
    except services.ResponseError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The request for help waits for the mutual-aid coordinators."),
        )
    return _to_report(report)


@rules.members_only
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request, slug: str):
    """Hotline calls, entered by a dispatcher through the public form's fields."""
    return _report_form(
        request, rules.network_for_dispatcher(request, slug), intake=True
    )


@rules.members_only
@require_http_methods(["GET", "HEAD", "POST"])
def on_call(request, slug: str):
    """The schedule; its form adds a slot."""
    access = rules.on_call_access(request, slug)
    network = access.network
    form = SlotForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_slot(
                network=network,
                starts_at=data["starts"],
                ends_at=data["ends"],
                tier=data["tier"],
                places=data["places"],
                areas=data["areas"],
                duty=data["duty"],
            )
        except services.ResponseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The slot is added."))
            return redirect("networks:on-call", slug=network.slug)
    slots = selectors.upcoming_slots(network)
    return private(
        render(
            request,
            "networks/rapid_response/on_call.html",
            {
                "network": network,
                "slots": slots,
                "mine": selectors.slots_taken(request.user, slots),
                "form": form,
                "is_dispatcher": access.dispatcher,
                "zone": ZoneInfo(network.timezone),
            },
        )
    )


@rules.members_only
@require_POST
def on_call_take(request, slug: str, slot_id: int):
    slot = rules.slot_for_member(request, slug, slot_id)
    try:
        services.take_slot(slot_id=slot.pk, user=request.user)
    except services.ResponseError as error:
        messages.error(request, str(error))
    return redirect("networks:on-call", slug=slot.network.slug)


@rules.members_only
@require_POST
def on_call_leave(request, slug: str, slot_id: int):
    slot = rules.slot_for_member(request, slug, slot_id)
    services.leave_slot(slot=slot, user=request.user)
    return redirect("networks:on-call", slug=slot.network.slug)


@rules.members_only
@require_http_methods(["GET", "HEAD", "POST"])
def alert_page(request, alert_id: int):
    """A responder's own alert: the report, and going or not."""
    alert = rules.alert_for_responder(request, alert_id)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            services.answer_alert(alert=alert, accept=form.accepted)
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


# Setup, by the organization's admins: one URL per form, each back to the
# setup page when done; a form with mistakes is shown again on that page.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_new(request, organization: str):
    org = rules.organization_for_admin(request, organization)
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


def _setup_page(request, network, *, form=None, role_form=None, training_form=None):
    """The setup page, with the form that was sent shown with its mistakes."""
    if form is None:
        form = NetworkForm(initial=NetworkForm.initial_for(network))
    if role_form is None:
        role_form = RoleForm(organization=network.organization)
    if training_form is None:
        training_form = TrainingForm(organization=network.organization)
    return private(
        render(
            request,
            "networks/rapid_response/setup.html",
            {
                "network": network,
                "form": form,
                "role_form": role_form,
                "training_form": training_form,
                "members": selectors.roles_given(network),
                "trainings": selectors.trainings(network),
            },
        )
    )


def _saved(request, network):
    messages.success(request, _("Saved."))
    return redirect("networks:setup", slug=network.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request, slug: str):
    """The setup page; its first form is the network's settings."""
    network = rules.network_for_admin(request, slug)
    if request.method != "POST":
        return _setup_page(request, network)
    form = NetworkForm(request.POST, initial=NetworkForm.initial_for(network))
    if not form.is_valid():
        return _setup_page(request, network, form=form)
    services.update_network(network=network, values=form.cleaned_data)
    return _saved(request, network)


@login_required
@require_POST
def setup_training(request, slug: str):
    network = rules.network_for_admin(request, slug)
    form = TrainingForm(request.POST, organization=network.organization)
    if not form.is_valid():
        return _setup_page(request, network, training_form=form)
    services.record_training(
        network=network,
        user=form.cleaned_data["user"],
        kind=form.cleaned_data["kind"],
        completed_on=form.cleaned_data["completed_on"],
        actor=request.user,
    )
    return _saved(request, network)


@login_required
@require_POST
def setup_role_give(request, slug: str):
    network = rules.network_for_admin(request, slug)
    form = RoleForm(request.POST, organization=network.organization)
    if form.is_valid():
        try:
            services.give_role(
                network=network,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except services.ResponseError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, network)
    return _setup_page(request, network, role_form=form)


@login_required
@require_POST
def setup_role_remove(request, slug: str):
    network = rules.network_for_admin(request, slug)
    form = RoleForm(request.POST, organization=network.organization)
    if not form.is_valid():
        return _setup_page(request, network, role_form=form)
    services.remove_role(
        network=network, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
    )
    return _saved(request, network)


@rules.members_only
@require_http_methods(["GET", "HEAD", "POST"])
def setup_erase(request, slug: str):
    """Emergency erase of the reports' sensitive data, confirmed by typing
    the network's name; admins with two-factor authentication only."""
    network = rules.network_for_erasing(request, slug)
    return erase_page(
        request,
        network,
        erase=services.erase_sensitive_data,
        done=_(
            "Erased: the contacts, exact places and descriptions of "
            "%(reports)s reports, %(photos)s photos and %(notes)s notes."
        ),
        erased=[
            _("reporters' contacts"),
            _("exact places"),
            _("descriptions of what happened"),
            _("photos, and their files"),
            _(
                "members' notes, and the notes typed into verifications and "
                "status changes"
            ),
        ],
        setup=reverse("networks:setup", args=[network.slug]),
    )
