"""Account pages of our own around allauth's: the language switch that
remembers a person's choice, and setting up two-factor authentication that
brings the person back to the page that asked for it."""

from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.conf import settings
from django.urls import reverse
from django.views import i18n
from django.views.decorators.http import require_POST

from networks.organizations import services
from networks.rules import public


@public
@require_POST
def set_language(request):
    """Django's switch (cookie, and the same page in the chosen language);
    for someone logged in the choice is also kept on their account, so it
    follows them to other devices and into the messages we send."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_language(user=request.user, language=language)
    return response


def _with_next(url: str, next_url: str | None) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class ActivateTOTP(ActivateTOTPView):
    """allauth's page, passing `next` (a page of this site only) on to the
    recovery codes, or back to it at once when there are none to show. Its
    form posts to its own address, `next` included (mfa/totp/activate_form.html)."""

    def get_success_url(self) -> str:
        next_url = get_next_redirect_url(self.request)
        if self.did_generate_recovery_codes:
            return _with_next(reverse("mfa_view_recovery_codes"), next_url)
        return next_url or super().get_success_url()


class RecoveryCodes(ViewRecoveryCodesView):
    """allauth's page, with the way on to where the person was going."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = get_next_redirect_url(self.request)
        return context


# Both are the person's own pages: allauth's decorators on the views
# (login, recent reauthentication) come with the subclasses.
activate_totp = ActivateTOTP.as_view()
recovery_codes = RecoveryCodes.as_view()
