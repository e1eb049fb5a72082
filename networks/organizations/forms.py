"""Account forms: the name a person goes by, asked at sign-up (allauth's
form, ACCOUNT_SIGNUP_FORM_CLASS) and changed on their account page."""

from django import forms
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 150  # django.contrib.auth's first_name


def name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your name (optional)"),
        help_text=_(
            "What organizers and our messages call you: any name you like. "
            "Leave it empty if you prefer; organizers then see your e-mail "
            "address."
        ),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class SignupName(forms.Form):
    """Added to allauth's sign-up form; allauth's adapter saves `first_name`
    on the new account itself."""

    first_name = name_field()

    def signup(self, request, user):
        """allauth calls this after saving the account; nothing more to do."""


class DisplayNameForm(forms.Form):
    name = name_field()

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
