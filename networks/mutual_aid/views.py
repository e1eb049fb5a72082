"""Pages of mutual-aid networks.

Public: the network's page, the form to ask for help (no account), fund
progress. Helpers: the board of published requests (coarse details), their
offers, and the requests they hold, with the contact. Coordinators (with
two-factor authentication): review, suggested matches, assignment, funds, an
export without contact details. The organization's admins: setup. Anyone else
gets 404, as if the page did not exist.
"""

import csv

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from networks.http import client_key, private
from networks.models import Organization
from networks.models.mutual_aid import (
    AidMember,
    AidNetwork,
    AidOffer,
    AidRole,
    ClaimMode,
    Fund,
    HelpRequest,
    Pledge,
    RequestStatus,
)
from networks.mutual_aid import services
from networks.mutual_aid.forms import (
    AidNetworkForm,
    AidRoleForm,
    AskForm,
    FundForm,
    OfferForm,
    PaymentForm,
    PledgeForm,
)
from networks.organizations.selectors import is_admin
from networks.pagination import paginate
from networks.rules import check, members_only, roles_in

Status = RequestStatus
PAGE_SIZE = 25


def network_or_404(slug: str) -> AidNetwork:
    return get_object_or_404(
        AidNetwork.objects.select_related("organization"), slug=slug
    )


def roles_of(user, network) -> set[str]:
    return roles_in(AidMember, network, user)


def member(request, network, *allowed) -> set[str]:
    """The person's roles; 404 unless one is in `allowed` (any, if none)."""
    return check(
        request,
        roles_of(request.user, network),
        allowed,
        mfa_roles=[AidRole.COORDINATOR],
        template="networks/mutual_aid/two_factor.html",
    )


# Public.


@require_safe
def network_page(request, slug: str):
    network = network_or_404(slug)
    funds = [(fund, services.progress(fund)) for fund in network.funds.all()]
    return render(
        request,
        "networks/mutual_aid/network.html",
        {
            "network": network,
            "funds": funds,
            "roles": roles_of(request.user, network),
            "is_admin": request.user.is_authenticated
            and is_admin(request.user, network.organization),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, slug: str):
    network = network_or_404(slug)
    form = AskForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(
            request, action="aid_request", key=client_key(request)
        ):
            form.add_error(None, _("Too many requests from here; try again later."))
        elif form.is_spam():
            return redirect("aid:ask-thanks", slug=network.slug)
        else:
            try:
                services.submit_request(
                    network=network,
                    values=form.values(),
                    contact=form.cleaned_data["contact"],
                )
            except services.AidError as error:
                form.add_error(None, str(error))
            else:
                return redirect("aid:ask-thanks", slug=network.slug)
    return private(
        render(
            request, "networks/mutual_aid/ask.html", {"network": network, "form": form}
        )
    )


@require_safe
def ask_thanks(request, slug: str):
    network = network_or_404(slug)
    return render(request, "networks/mutual_aid/ask_thanks.html", {"network": network})


@require_safe
def fund_page(request, slug: str, fund: str):
    network = network_or_404(slug)
    fund = get_object_or_404(Fund, network=network, slug=fund)
    return render(
        request,
        "networks/mutual_aid/fund.html",
        {"network": network, "fund": fund, "progress": services.progress(fund)},
    )


# Helpers.


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def board(request, slug: str):
    network = network_or_404(slug)
    roles = member(request, network, AidRole.HELPER)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_offer(
            network=network, helper=request.user, values=form.cleaned_data
        )
        messages.success(request, _("Your offer is listed."))
        return redirect("aid:board", slug=network.slug)
    published = HelpRequest.objects.filter(network=network, status=Status.OPEN).only(
        "pk",
        "kind",
        "urgency",
        "zip_code",
        "neighbourhood",
        "amount",
        "language",
        "published_at",
    )
    page, page_note = paginate(
        request, published.order_by("-published_at", "-pk"), per_page=PAGE_SIZE
    )
    mine = HelpRequest.objects.filter(
        network=network, helper=request.user, status=Status.CLAIMED
    )
    return private(
        render(
            request,
            "networks/mutual_aid/board.html",
            {
                "network": network,
                "page": page,
                "page_note": page_note,
                "mine": [(r, services.contact_of(r)) for r in mine],
                "offers": AidOffer.objects.filter(
                    network=network, helper=request.user, active=True
                ),
                "form": form,
                "can_claim": network.claim_mode == ClaimMode.CLAIM,
                "roles": roles,
            },
        )
    )


def _request(network, request_id: int) -> HelpRequest:
    return get_object_or_404(HelpRequest, network=network, pk=request_id)


@members_only
@require_POST
def claim(request, slug: str, request_id: int):
    network = network_or_404(slug)
    member(request, network, AidRole.HELPER)
    if network.claim_mode != ClaimMode.CLAIM:
        raise Http404
    wanted = _request(network, request_id)
    try:
        services.take(request_id=wanted.pk, helper=request.user, by_coordinator=False)
    except services.AidError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("It is yours: the contact is below."))
    return redirect("aid:board", slug=network.slug)


def _held(request, slug, request_id) -> tuple[AidNetwork, HelpRequest]:
    network = network_or_404(slug)
    member(request, network, AidRole.HELPER)
    held = get_object_or_404(
        HelpRequest, network=network, pk=request_id, helper=request.user
    )
    return network, held


@members_only
@require_POST
def fulfil(request, slug: str, request_id: int):
    network, held = _held(request, slug, request_id)
    try:
        services.fulfil(request=held)
    except services.AidError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! The coordinators are told."))
    return redirect("aid:board", slug=network.slug)


@members_only
@require_POST
def release(request, slug: str, request_id: int):
    network, held = _held(request, slug, request_id)
    services.release(request=held)
    return redirect("aid:board", slug=network.slug)


@members_only
@require_POST
def offer_stop(request, slug: str, offer_id: int):
    network = network_or_404(slug)
    member(request, network, AidRole.HELPER)
    AidOffer.objects.filter(network=network, helper=request.user, pk=offer_id).update(
        active=False
    )
    return redirect("aid:board", slug=network.slug)


# Coordinators.


@members_only
@require_safe
def coordinate(request, slug: str):
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    requests = HelpRequest.objects.filter(network=network)
    new = list(requests.filter(status=Status.SUBMITTED).order_by("created_at")[:50])
    page, page_note = paginate(
        request,
        requests.filter(status=Status.OPEN).order_by("published_at", "pk"),
        per_page=PAGE_SIZE,
    )
    suggestions = services.suggestions_for([*page.object_list, *new])
    taken = requests.filter(status=Status.CLAIMED).select_related("helper")[:50]
    return private(
        render(
            request,
            "networks/mutual_aid/coordinate.html",
            {
                "network": network,
                "new": [(r, suggestions[r.pk]) for r in new],
                "page": page,
                "page_note": page_note,
                "open": [(r, suggestions[r.pk]) for r in page.object_list],
                "taken": taken,
            },
        )
    )


@members_only
@require_safe
def request_detail(request, slug: str, request_id: int):
    """Coordinators, and the helper holding it, see the whole request."""
    network = network_or_404(slug)
    roles = roles_of(request.user, network)
    wanted = _request(network, request_id)
    holds = wanted.helper_id == request.user.pk and AidRole.HELPER in roles
    if not holds:
        member(request, network, AidRole.COORDINATOR)
    coordinator = AidRole.COORDINATOR in roles
    return private(
        render(
            request,
            "networks/mutual_aid/request.html",
            {
                "network": network,
                "request_": wanted,
                "contact": services.contact_of(wanted),
                "coordinator": coordinator,
                "suggestions": services.suggestions_for([wanted])[wanted.pk]
                if coordinator
                else [],
                "helpers": AidMember.objects.filter(
                    network=network, role=AidRole.HELPER
                ).select_related("user")
                if coordinator
                else [],
            },
        )
    )


def _coordinating(request, slug, request_id):
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    return network, _request(network, request_id)


@members_only
@require_POST
def publish(request, slug: str, request_id: int):
    network, wanted = _coordinating(request, slug, request_id)
    try:
        services.publish(request=wanted)
    except services.AidError as error:
        messages.error(request, str(error))
    return redirect("aid:request", slug=network.slug, request_id=wanted.pk)


@members_only
@require_POST
def close(request, slug: str, request_id: int):
    network, wanted = _coordinating(request, slug, request_id)
    services.close(request=wanted)
    return redirect("aid:request", slug=network.slug, request_id=wanted.pk)


@members_only
@require_POST
def assign(request, slug: str, request_id: int):
    network, wanted = _coordinating(request, slug, request_id)
    chosen = request.POST.get("helper", "")
    helper = None
    if chosen.isdigit():
        helper = (
            AidMember.objects.filter(
                network=network, role=AidRole.HELPER, user_id=int(chosen)
            )
            .select_related("user")
            .first()
        )
    if helper is None:
        messages.error(request, _("Choose one of the network's helpers."))
    else:
        try:
            services.take(request_id=wanted.pk, helper=helper.user, by_coordinator=True)
        except services.AidError as error:
            messages.error(request, str(error))
    return redirect("aid:request", slug=network.slug, request_id=wanted.pk)


@members_only
@require_safe
def export(request, slug: str):
    """Requests for reporting: no contact, no details, no helper."""
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{network.slug}-requests.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["received", "kind", "urgency", "zip_code", "amount", "status"])
    for row in HelpRequest.objects.filter(network=network).values_list(
        "created_at", "kind", "urgency", "zip_code", "amount", "status"
    ):
        writer.writerow([row[0].date().isoformat(), *row[1:]])
    return private(response)


@members_only
@require_http_methods(["GET", "HEAD", "POST"])
def funds(request, slug: str):
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    form = FundForm(request.POST if "goal" in request.POST else None)
    if form.is_bound and form.is_valid():
        services.create_fund(network=network, values=form.cleaned_data)
        messages.success(request, _("The fund is open."))
        return redirect("aid:funds", slug=network.slug)
    return private(
        render(
            request,
            "networks/mutual_aid/funds.html",
            {
                "network": network,
                "form": form,
                "funds": [
                    (fund, services.progress(fund), fund.pledges.all())
                    for fund in network.funds.all()
                ],
                "pledge_form": PledgeForm(),
                "payment_form": PaymentForm(),
            },
        )
    )


@members_only
@require_POST
def pledge_add(request, slug: str, fund_id: int):
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    fund = get_object_or_404(Fund, network=network, pk=fund_id)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errors in form.errors.values() for e in errors)
        )
    else:
        try:
            services.add_pledge(
                fund=fund,
                amount=form.cleaned_data["amount"],
                label=form.cleaned_data["label"],
                paid=form.cleaned_data["paid"] or 0,
            )
        except services.AidError as error:
            messages.error(request, str(error))
    return redirect("aid:funds", slug=network.slug)


@members_only
@require_POST
def payment_add(request, slug: str, pledge_id: int):
    network = network_or_404(slug)
    member(request, network, AidRole.COORDINATOR)
    pledge = get_object_or_404(Pledge, fund__network=network, pk=pledge_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errors in form.errors.values() for e in errors)
        )
    else:
        try:
            services.record_payment(pledge=pledge, amount=form.cleaned_data["amount"])
        except services.AidError as error:
            messages.error(request, str(error))
    return redirect("aid:funds", slug=network.slug)


# Setup, by the organization's admins.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_new(request, organization: str):
    org = get_object_or_404(Organization, slug=organization)
    if not is_admin(request.user, org):
        raise Http404
    form = AidNetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = services.create_network(organization=org, values=form.cleaned_data)
        messages.success(request, _("The network is set up."))
        return redirect("aid:setup", slug=network.slug)
    return render(
        request,
        "networks/mutual_aid/network_form.html",
        {"form": form, "organization": org},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request, slug: str):
    network = network_or_404(slug)
    if not is_admin(request.user, network.organization):
        raise Http404
    form = AidNetworkForm(
        request.POST if "name" in request.POST else None,
        initial=AidNetworkForm.initial_for(network),
    )
    role_form = AidRoleForm(
        request.POST if "role" in request.POST else None,
        organization=network.organization,
    )
    if form.is_bound and form.is_valid():
        services.update_network(network=network, values=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("aid:setup", slug=network.slug)
    if role_form.is_bound and role_form.is_valid():
        data = role_form.cleaned_data
        if request.POST.get("remove"):
            services.remove_role(network=network, user=data["user"], role=data["role"])
        else:
            services.give_role(network=network, user=data["user"], role=data["role"])
        messages.success(request, _("Saved."))
        return redirect("aid:setup", slug=network.slug)
    return private(
        render(
            request,
            "networks/mutual_aid/setup.html",
            {
                "network": network,
                "form": form,
                "role_form": role_form,
                "members": network.members.select_related("user").order_by(
                    "user__email", "role"
                ),
            },
        )
    )
