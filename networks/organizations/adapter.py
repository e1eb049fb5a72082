"""allauth's account adapter (settings.ACCOUNT_ADAPTER): a new account keeps
the language of the page it signed up on, and logging in leads to the page
the person was going to in the language they chose."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation

from networks.http import in_language
from networks.organizations import selectors, services


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's own language switch sets (views.i18n.set_language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.set_language(user=user, language=translation.get_language())
        return user

    def post_login(self, request, user, **kwargs):
        """The page after logging in (`next`, already checked by allauth to be
        one of ours, or the home page) in the person's saved language; the
        cookie keeps them in it on pages linked without a language prefix."""
        response = super().post_login(request, user, **kwargs)
        language = selectors.saved_language(user) or translation.get_language()
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = in_language(response["Location"], language)
        set_language_cookie(response, language)
        return response
