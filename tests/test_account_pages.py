"""Every allauth page the site uses is a page of the site, in both languages;
people are sent on to where they were going, in their language."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import URLResolver, resolve, reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.test_accounts import PASSWORD, current_code, link_in

pytestmark = pytest.mark.django_db


def url_names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


# Not a page: a text file of the codes.
NOT_PAGES = {"mfa_download_recovery_codes"}


def person(email="ana@example.org", *, totp=False):
    """A verified account with a password; with `totp`, its secret."""
    user = UserFactory(email=email)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if not totp:
        return user, None
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return user, secret


def log_in(client, user, secret=None):
    """A real login, with the second factor when the account has one, and
    the password again, as allauth asks before changing a second factor."""
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if secret:
        client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def assert_site_page(response, language):
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert '<header class="site-header">' in html
    assert '<link rel="stylesheet" href="/static/css/app.css">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "Menu:" not in html  # allauth's bare layout
    assert response["Content-Language"] == language


def reached(response) -> str:
    return resolve(response.request["PATH_INFO"]).url_name


def visit(client, name, language, expect=None, **kwargs):
    """Open allauth's page `name` in `language`; assert that the page shown
    (after allauth's redirects) is `expect` (default: `name`) and ours."""
    with translation.override(language):
        url = reverse(name, kwargs=kwargs or None)
    response = client.get(url, follow=True)
    assert reached(response) == (expect or name), response.redirect_chain
    assert_site_page(response, language)
    return response


def signup_key(client, language):
    with translation.override(language):
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    return link_in(mail.outbox[-1]).rstrip("/").split("/")[-1]


def reset_key(client, email):
    client.post(reverse("account_reset_password"), {"email": email})
    uidb36, key = re.search(r"/key/(\w+)-([^/]+)/", mail.outbox[-1].body).groups()
    return {"uidb36": uidb36, "key": key}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_allauth_page_extends_the_site_layout(client, language):
    seen = set()

    def page(client, name, expect=None, **kwargs):
        seen.add(name)
        return visit(client, name, language, expect, **kwargs)

    # Someone without an account, or not logged in.
    for name in [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_request_login_code",
        "account_inactive",
        "account_email_verification_sent",
    ]:
        page(client, name)
    page(client, "account_confirm_email", key=signup_key(client, language))
    page(client, "account_confirm_email", key="not-a-key")
    anonymous, _ = person("reset@example.org")
    page(
        client, "account_reset_password_from_key", **reset_key(client, anonymous.email)
    )
    # Halfway through logging in: a code by e-mail, a second factor.
    client.post(reverse("account_request_login_code"), {"email": anonymous.email})
    page(client, "account_confirm_login_code")
    guarded, secret = person("guarded@example.org", totp=True)
    client = Client()
    client.post(
        reverse("account_login"), {"login": guarded.email, "password": PASSWORD}
    )
    page(client, "mfa_authenticate")

    # A person without two-factor authentication, logged in.
    user, _ = person()
    client = Client()
    log_in(client, user)
    for name in [
        "account_logout",
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
    ]:
        page(client, name)
    # Someone with a password is sent to change it.
    page(client, "account_set_password", expect="account_change_password")
    client = Client()

    # A person with two-factor authentication.
    log_in(client, guarded, secret)
    for name in [
        "mfa_reauthenticate",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
    ]:
        page(client, name)

    import allauth.urls

    assert seen | NOT_PAGES == set(url_names(allauth.urls.urlpatterns))


def test_account_pages_speak_the_site_words(client):
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()

    assert "<h1>Log in</h1>" in login and "Sign In" not in login
    assert "<h1>Sign up</h1>" in signup and "Sign Up" not in signup
    # The site's form renderer: labels shown, not placeholders only.
    assert '<label for="id_login">' in login
    assert '<label for="id_first_name">Your name (optional)</label>' in signup


def test_the_confirm_page_shows_the_address_not_an_internal_username(client):
    key = signup_key(client, "en")
    username = EmailAddress.objects.get(email="new@example.org").user.username

    page = client.get(reverse("account_confirm_email", kwargs={"key": key}))

    html = page.content.decode()
    assert "Is new@example.org your e-mail address?" in html
    assert f"for user {username}" not in html and "for user" not in html


# Where people go next.


def test_logging_in_goes_on_to_next(client):
    user, _ = person()

    response = client.post(
        "/accounts/login/?next=/me/shifts/",
        {"login": user.email, "password": PASSWORD},
    )

    assert response["Location"] == "/me/shifts/"


def test_logging_in_refuses_a_next_off_the_site(client):
    user, _ = person()

    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"login": user.email, "password": PASSWORD},
    )

    assert response["Location"] == "/"


def test_signing_up_goes_on_to_next_once_the_address_is_confirmed(client):
    client.post(
        "/accounts/signup/?next=/me/shifts/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    key = link_in(mail.outbox[-1]).rstrip("/").split("/")[-1]

    response = client.post(f"/accounts/confirm-email/{key}/")

    assert response["Location"] == "/me/shifts/"
    assert client.get("/me/shifts/").status_code == 200


def test_signing_up_refuses_a_next_off_the_site(client):
    client.post(
        "/accounts/signup/?next=//evil.example/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    key = link_in(mail.outbox[-1]).rstrip("/").split("/")[-1]

    response = client.post(f"/accounts/confirm-email/{key}/")

    assert "evil.example" not in response["Location"]
    assert client.get("/me/shifts/").status_code == 200


def activate(client, next_url):
    page = client.get(f"/accounts/2fa/totp/activate/?next={next_url}")
    secret = page.context["form"].secret
    return client.post(
        f"/accounts/2fa/totp/activate/?next={next_url}",
        {"code": current_code(secret)},
    )


def test_setting_up_two_factor_shows_the_codes_then_goes_back_to_next(client):
    user, _ = person()
    log_in(client, user)

    response = activate(client, "/rr/some-network/desk/")

    assert response["Location"] == (
        "/accounts/2fa/recovery-codes/?next=%2Frr%2Fsome-network%2Fdesk%2F"
    )
    codes = client.get(response["Location"]).content.decode()
    assert (
        '<a class="button" href="/rr/some-network/desk/">'
        "I have kept my codes: continue where I was</a>"
    ) in codes
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_setting_up_two_factor_refuses_a_next_off_the_site(client):
    user, _ = person()
    log_in(client, user)

    response = activate(client, "https://evil.example/")

    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get(response["Location"]).content.decode()
    assert "evil.example" not in codes
    assert '<a class="button" href="/me/">' in codes


# Language.


def test_logging_in_from_a_spanish_page_stays_in_spanish(client):
    user, _ = person()

    response = client.post(
        "/es/accounts/login/", {"login": user.email, "password": PASSWORD}
    )

    assert response["Location"] == "/es/"
    assert response.cookies["django_language"].value == "es"


def test_logging_in_applies_the_language_the_person_chose(client):
    user, _ = person()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    client.logout()  # the test client forgets its cookies too: a new device
    assert "django_language" not in client.cookies

    response = client.post(
        "/accounts/login/?next=/me/shifts/",
        {"login": user.email, "password": PASSWORD},
    )

    assert response["Location"] == "/es/me/shifts/"
    assert response.cookies["django_language"].value == "es"
    user.notification_preference.refresh_from_db()
    assert user.notification_preference.language == "es"


def test_a_new_account_keeps_the_language_it_signed_up_in(client):
    client.post(
        "/es/accounts/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    user = EmailAddress.objects.get(email="new@example.org").user
    assert user.notification_preference.language == "es"


BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_browser_that_prefers_spanish_gets_spanish_on_first_visit(client):
    response = client.get(
        "/actions/?q=x", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9", **BROWSER
    )

    assert response.status_code == 302
    assert response["Location"] == "/es/actions/?q=x"
    assert "Accept-Language" in response["Vary"]
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="es-MX", **BROWSER)
    assert '<html lang="es">' in page.content.decode()


def test_a_browser_that_prefers_english_stays(client):
    response = client.get("/actions/", HTTP_ACCEPT_LANGUAGE="en-US,es;q=0.5", **BROWSER)

    assert response.status_code == 200


def test_the_language_chosen_in_the_header_beats_the_browser(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/actions/", HTTP_ACCEPT_LANGUAGE="es", **BROWSER)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_feeds_and_other_clients_keep_their_address(client):
    response = client.get("/actions/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
