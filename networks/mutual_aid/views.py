"""Pages of mutual-aid networks.

Public: the network's page, the form to ask for help (no account), fund
progress. Helpers: the board of published requests (coarse details), their
offers, and the requests they hold, with the contact. Coordinators (with
two-factor authentication): review, suggested matches, assignment, funds, an
export without contact details. The organization's admins: setup. Who may
open what is decided in `rules.py`; anyone else gets 404, as if the page did
not exist. Each form posts to a URL of its own and is sent back to its page.
"""

import csv

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from networks.http import client_key, erase_page, private
from networks.mutual_aid import rules, selectors, services
from networks.mutual_aid.forms import (
    AidNetworkForm,
    AidRoleForm,
    AskForm,
    AssignForm,
    FundForm,
    OfferForm,
    PaymentForm,
    PledgeForm,
)
from networks.pagination import paginate

PAGE_SIZE = 25


def _refuse(request, form) -> None:
    """A form posted from a page it is sent back to: its errors become
    messages there, each naming its field."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            if field is not None:
                error = _("%(field)s: %(error)s") % {
                    "field": field.label,
                    "error": error,
                }
            messages.error(request, error)


# Public.


@rules.public
@require_safe
def network_page(request, slug: str):
    network = rules.network(slug)
    return render(
        request,
        "networks/mutual_aid/network.html",
        {
            "network": network,
            "funds": selectors.funds_with_progress(network),
            "roles": rules.roles(request.user, network),
            "is_admin": rules.may_set_up(request.user, network),
        },
    )


@rules.public
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, slug: str):
    network = rules.network(slug)
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


@rules.public
@require_safe
def ask_thanks(request, slug: str):
    network = rules.network(slug)
    return render(request, "networks/mutual_aid/ask_thanks.html", {"network": network})


@rules.public
@require_safe
def fund_page(request, slug: str, fund_slug: str):
    network = rules.network(slug)
    fund = rules.fund(network, fund_slug)
    return render(
        request,
        "networks/mutual_aid/fund.html",
        {"network": network, "fund": fund, "progress": selectors.progress(fund)},
    )


# Helpers.


@rules.members_only
@require_safe
def board(request, slug: str):
    network = rules.network_for_helper(request, slug)
    page, page_note = paginate(
        request, selectors.open_requests(network), per_page=PAGE_SIZE
    )
    return private(
        render(
            request,
            "networks/mutual_aid/board.html",
            {
                "network": network,
                "page": page,
                "page_note": page_note,
                "mine": selectors.held_with_contacts(network, request.user),
                "offers": selectors.active_offers(network, request.user),
                "form": OfferForm(),
                "can_claim": rules.helpers_may_claim(network),
            },
        )
    )


@rules.members_only
@require_POST
def offer_add(request, slug: str):
    network = rules.network_for_helper(request, slug)
    form = OfferForm(request.POST)
    if form.is_valid():
        services.add_offer(
            network=network, helper=request.user, values=form.cleaned_data
        )
        messages.success(request, _("Your offer is listed."))
    else:
        _refuse(request, form)
    return redirect("aid:board", slug=network.slug)


@rules.members_only
@require_POST
def offer_stop(request, slug: str, offer_id: int):
    network = rules.network_for_helper(request, slug)
    services.withdraw_offer(network=network, helper=request.user, offer_id=offer_id)
    return redirect("aid:board", slug=network.slug)


@rules.members_only
@require_POST
def claim(request, slug: str, help_request_id: int):
    help_request = rules.help_request_to_claim(request, slug, help_request_id)
    try:
        services.take(
            help_request_id=help_request.pk,
            helper=request.user,
            by_coordinator=False,
        )
    except services.AidError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("It is yours: the contact is below."))
    return redirect("aid:board", slug=slug)


@rules.members_only
@require_POST
def fulfil(request, slug: str, help_request_id: int):
    help_request = rules.help_request_held(request, slug, help_request_id)
    try:
        services.fulfil(help_request=help_request)
    except services.AidError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! The coordinators are told."))
    return redirect("aid:board", slug=slug)


@rules.members_only
@require_POST
def release(request, slug: str, help_request_id: int):
    help_request = rules.help_request_held(request, slug, help_request_id)
    services.release(help_request=help_request)
    return redirect("aid:board", slug=slug)


# Coordinators.


@rules.members_only
@require_safe
def coordinate(request, slug: str):
    network = rules.network_for_coordinator(request, slug)
    new = selectors.new_requests(network)
    page, page_note = paginate(
        request, selectors.published_requests(network), per_page=PAGE_SIZE
    )
    suggestions = selectors.suggestions_for([*page.object_list, *new])
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
                "taken": selectors.taken_requests(network),
            },
        )
    )


@rules.members_only
@require_safe
def help_request_detail(request, slug: str, help_request_id: int):
    help_request, coordinator = rules.help_request_to_read(
        request, slug, help_request_id
    )
    network = help_request.network
    suggestions, helpers = [], []
    if coordinator:
        suggestions = selectors.suggestions_for([help_request])[help_request.pk]
        helpers = selectors.helpers(network)
    return private(
        render(
            request,
            "networks/mutual_aid/request.html",
            {
                "network": network,
                "help_request": help_request,
                "contact": selectors.contact_of(help_request),
                "coordinator": coordinator,
                "suggestions": suggestions,
                "helpers": helpers,
            },
        )
    )


@rules.members_only
@require_POST
def publish(request, slug: str, help_request_id: int):
    help_request = rules.help_request_for_coordinator(request, slug, help_request_id)
    try:
        services.publish(help_request=help_request)
    except services.AidError as error:
        messages.error(request, str(error))
    return redirect("aid:request", slug=slug, help_request_id=help_request.pk)


@rules.members_only
@require_POST
def close(request, slug: str, help_request_id: int):
    help_request = rules.help_request_for_coordinator(request, slug, help_request_id)
    services.close(help_request=help_request)
    return redirect("aid:request", slug=slug, help_request_id=help_request.pk)


@rules.members_only
@require_POST
def assign(request, slug: str, help_request_id: int):
    help_request = rules.help_request_for_coordinator(request, slug, help_request_id)
    form = AssignForm(request.POST, network=help_request.network)
    if not form.is_valid():
        _refuse(request, form)
    else:
        try:
            services.take(
                help_request_id=help_request.pk,
                helper=form.cleaned_data["helper"],
                by_coordinator=True,
            )
        except services.AidError as error:
            messages.error(request, str(error))
    return redirect("aid:request", slug=slug, help_request_id=help_request.pk)


@rules.members_only
@require_safe
def export(request, slug: str):
    """Requests for reporting: no contact, no details, no helper."""
    network = rules.network_for_coordinator(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{network.slug}-requests.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["received", "kind", "urgency", "zip_code", "amount", "status"])
    for row in selectors.export_rows(network):
        writer.writerow([row[0].date().isoformat(), *row[1:]])
    return private(response)


@rules.members_only
@require_safe
def funds(request, slug: str):
    network = rules.network_for_coordinator(request, slug)
    return private(
        render(
            request,
            "networks/mutual_aid/funds.html",
            {
                "network": network,
                "form": FundForm(),
                "funds": selectors.funds_with_pledges(network),
                "pledge_form": PledgeForm(),
                "payment_form": PaymentForm(),
            },
        )
    )


@rules.members_only
@require_POST
def fund_add(request, slug: str):
    network = rules.network_for_coordinator(request, slug)
    form = FundForm(request.POST)
    if form.is_valid():
        services.create_fund(network=network, values=form.cleaned_data)
        messages.success(request, _("The fund is open."))
    else:
        _refuse(request, form)
    return redirect("aid:funds", slug=network.slug)


@rules.members_only
@require_POST
def pledge_add(request, slug: str, fund_id: int):
    fund = rules.fund_for_coordinator(request, slug, fund_id)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
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
    return redirect("aid:funds", slug=slug)


@rules.members_only
@require_POST
def payment_add(request, slug: str, pledge_id: int):
    pledge = rules.pledge_for_coordinator(request, slug, pledge_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
    else:
        try:
            services.record_payment(pledge=pledge, amount=form.cleaned_data["amount"])
        except services.AidError as error:
            messages.error(request, str(error))
    return redirect("aid:funds", slug=slug)


# Setup, by the organization's admins.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_new(request, organization: str):
    org = rules.organization_for_admin(request, organization)
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
@require_safe
def setup(request, slug: str):
    network = rules.network_for_admin(request, slug)
    return private(
        render(
            request,
            "networks/mutual_aid/setup.html",
            {
                "network": network,
                "form": AidNetworkForm(initial=AidNetworkForm.initial_for(network)),
                "role_form": AidRoleForm(organization=network.organization),
                "members": selectors.members(network),
            },
        )
    )


@login_required
@require_POST
def setup_network(request, slug: str):
    network = rules.network_for_admin(request, slug)
    form = AidNetworkForm(request.POST)
    if form.is_valid():
        services.update_network(network=network, values=form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        _refuse(request, form)
    return redirect("aid:setup", slug=network.slug)


@login_required
@require_POST
def role_give(request, slug: str):
    network = rules.network_for_admin(request, slug)
    form = AidRoleForm(request.POST, organization=network.organization)
    if form.is_valid():
        services.give_role(
            network=network,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("Saved."))
    else:
        _refuse(request, form)
    return redirect("aid:setup", slug=network.slug)


@login_required
@require_POST
def role_remove(request, slug: str, member_id: int):
    member = rules.member_for_admin(request, slug, member_id)
    services.remove_role(member=member)
    messages.success(request, _("Saved."))
    return redirect("aid:setup", slug=slug)


@rules.members_only
@require_http_methods(["GET", "HEAD", "POST"])
def setup_erase(request, slug: str):
    """Emergency erase of the requests' contacts and details, confirmed by
    typing the network's name; admins with two-factor authentication only."""
    network = rules.network_for_erasing(request, slug)
    return erase_page(
        request,
        network,
        erase=services.erase_sensitive_data,
        done=_(
            "Erased: the contacts and details of %(requests)s requests "
            "and the labels of %(pledges)s pledges."
        ),
        erased=[
            _("the contacts of people who asked for help"),
            _("the details of their requests"),
            _("the labels of pledges"),
        ],
        setup=reverse("aid:setup", args=[network.slug]),
    )
