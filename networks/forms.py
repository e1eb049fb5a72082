"""What the lower layer's forms share: the base form, a trap for spam,
ZIP codes, the languages a network works in, and picking a person."""

import re

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from networks.validators import validate_timezone

ZIP = re.compile(r"^\d{5}(-\d{4})?$")


class SiteFormRenderer(TemplatesSetting):
    """The site's form renderer (settings.FORM_RENDERER): Django's <div>
    layout, with our field template (label without a colon, help text)."""

    form_template_name = "django/forms/div.html"
    field_template_name = "forms/field.html"


class Form(forms.Form):
    """The base of the lower layer's forms (the renderer does the rest)."""


class EraseForm(Form):
    """An emergency erase, confirmed by typing the network's name."""

    confirm = forms.CharField(
        label=_("Type the network's name to confirm"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip()
        if typed.casefold() != self.name.strip().casefold():
            raise forms.ValidationError(
                _("That is not the network's name; nothing was erased.")
            )
        return typed


class SpamTrap(forms.Form):
    """A field people never see (it is hidden by CSS and skipped by the
    keyboard): automated spam fills it in. Needs no third-party service."""

    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class NetworkBasics(Form):
    """What every network has: a name and the time zone it works in."""

    name = forms.CharField(label=_("Name"), max_length=200)
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="America/Chicago",
        validators=[validate_timezone],
    )


def days(label, *, initial: int, most: int = 365) -> forms.IntegerField:
    """A number of days a network waits or keeps something."""
    return forms.IntegerField(label=label, min_value=1, max_value=most, initial=initial)


def clean_zip(value: str) -> str:
    value = value.strip()
    if value and not ZIP.match(value):
        raise forms.ValidationError(_("A ZIP code has five digits, such as 60608."))
    return value


class PersonForm(Form):
    """Someone already in the organization, by their account's address."""

    email = forms.EmailField(label=_("Their e-mail address"))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"]
        user = (
            get_user_model()
            .objects.filter(
                email__iexact=email, memberships__organization=self.organization
            )
            .first()
        )
        if user is None:
            raise forms.ValidationError(
                _("Nobody with this address is in the organization; invite them first.")
            )
        self.cleaned_data["user"] = user
        return email
