"""Forms of mutual-aid networks."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.forms import (
    Form,
    NetworkBasics,
    PersonForm,
    SpamTrap,
    clean_zip,
    days,
)
from networks.languages import WORKING_LANGUAGES
from networks.models.mutual_aid import (
    MONEY_KINDS,
    AidKind,
    AidRole,
    ClaimMode,
    FundKind,
    Urgency,
)
from networks.mutual_aid import selectors


def money(label, *, max_digits=8, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_digits=max_digits,
        decimal_places=2,
        **kwargs,
    )


class AskForm(SpamTrap, Form):
    """Asking for help: no account, only what is needed to help."""

    kind = forms.ChoiceField(
        label=_("What do you need?"), choices=AidKind.choices, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(
        label=_("How soon?"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    zip_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    neighbourhood = forms.CharField(
        label=_("Neighbourhood"),
        max_length=120,
        required=False,
        help_text=_("A ZIP code or a neighbourhood is enough; no address."),
    )
    amount = money(
        _("Amount (US$)"),
        max_value=Decimal("100000"),
        required=False,
        help_text=_("For rent, bond, legal or medical costs."),
    )
    language = forms.ChoiceField(
        label=_("Language to contact you in"), choices=WORKING_LANGUAGES
    )
    contact = forms.CharField(
        label=_("How can we reach you?"),
        max_length=200,
        help_text=_(
            "A phone number, e-mail or messaging app. Only the coordinators and "
            "the person who helps you see it; it is stored encrypted."
        ),
    )
    details = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("No names or immigration details are needed."),
    )

    def clean_zip_code(self):
        return clean_zip(self.cleaned_data["zip_code"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("zip_code") and not cleaned.get("neighbourhood"):
            self.add_error("zip_code", _("Give a ZIP code or a neighbourhood."))
        if cleaned.get("kind") in MONEY_KINDS and not cleaned.get("amount"):
            self.add_error("amount", _("Say how much money is needed."))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind",
                "urgency",
                "zip_code",
                "neighbourhood",
                "amount",
                "language",
                "details",
            )
        }


class OfferForm(Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=AidKind.choices)
    description = forms.CharField(
        label=_("What you can give"),
        max_length=300,
        help_text=_("Such as: rides on weekends, a spare room, groceries."),
    )
    zip_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    neighbourhood = forms.CharField(
        label=_("Neighbourhood"),
        max_length=120,
        required=False,
        help_text=_("Leave both empty if you can help anywhere."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=WORKING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    max_amount = money(_("Up to (US$)"), max_value=Decimal("100000"), required=False)
    available_until = forms.DateField(
        label=_("Available until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_zip_code(self):
        return clean_zip(self.cleaned_data["zip_code"])

    def clean_available_until(self):
        value = self.cleaned_data["available_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("This is in the past."))
        return value


class AidNetworkForm(NetworkBasics):
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    claim_mode = forms.ChoiceField(
        label=_("How requests are taken"), choices=ClaimMode.choices
    )
    remind_after_days = days(
        _("Days before coordinators are reminded of an unclaimed request"),
        initial=3,
        most=60,
    )
    expire_after_days = days(_("Days before an unclaimed request expires"), initial=30)
    purge_after_days = days(
        _("Days after a request is over before its details are deleted"), initial=30
    )

    @classmethod
    def initial_for(cls, network) -> dict:
        return {name: getattr(network, name) for name in cls.base_fields}


class AidRoleForm(PersonForm):
    role = forms.ChoiceField(label=_("Role"), choices=AidRole.choices)


class AssignForm(Form):
    """A coordinator gives a request to one of the network's helpers."""

    helper = forms.ModelChoiceField(
        label=_("Give it to"),
        queryset=None,
        error_messages={
            "required": _("Choose one of the network's helpers."),
            "invalid_choice": _("Choose one of the network's helpers."),
        },
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = selectors.helper_people(network)


class FundForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    goal = forms.DecimalField(
        label=_("Goal (US$)"),
        min_value=Decimal("1"),
        max_value=Decimal("10000000"),
        max_digits=10,
        decimal_places=2,
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class PledgeForm(Form):
    label = forms.CharField(
        label=_("Label (optional)"),
        max_length=80,
        required=False,
        help_text=_("An initial or a group; no name is needed."),
    )
    amount = money(_("Pledged (US$)"), max_value=Decimal("10000000"), max_digits=10)
    paid = forms.DecimalField(
        label=_("Already paid (US$)"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        required=False,
    )


class PaymentForm(Form):
    amount = money(_("Paid now (US$)"), max_value=Decimal("10000000"), max_digits=10)
