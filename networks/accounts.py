"""Accounts (django-allauth): the site's sign-up form."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, taking as long for an address that already has
    an account as for a new one.

    Enumeration protection answers both alike, but a new account costs a
    password hash (most of a second) and an existing one only a mail: the
    time alone told who is registered. So the existing address pays for the
    same hash, at the same place, whatever happens next (even when the mail
    is held back by the rate limit).
    """

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
