"""Signing up does not tell, by its time, whether an address has an account.

The one timing comparison of the suite (the issue asks for it): sign-ups for
an address that has an account and for new ones, interleaved, and their
medians compared within a generous factor. Without the fix the known address
answered five to twenty times faster (no password hash)."""

import statistics
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"
ROUNDS = 9


class LighterHasher(PBKDF2PasswordHasher):
    """Django's hasher with a tenth of its rounds: still most of the work of
    a sign-up (as in production), so the test takes seconds, not minutes."""

    iterations = PBKDF2PasswordHasher.iterations // 10


def sign_up(client, email: str) -> float:
    started = time.perf_counter()
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    took = time.perf_counter() - started
    assert response.status_code == 302
    client.logout()
    return took


def test_a_known_address_takes_as_long_to_sign_up_as_a_new_one(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.LighterHasher"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": False}
    for n in range(ROUNDS):  # each known once, as a prober would try them
        user = get_user_model().objects.create(
            username=f"known-{n}", email=f"known-{n}@example.org"
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True)
    sign_up(client, "warm-up@example.org")
    known, new = [], []

    for n in range(ROUNDS):
        first, second = (known, new) if n % 2 else (new, known)
        for times in (first, second):
            kind = "known" if times is known else "new"
            times.append(sign_up(client, f"{kind}-{n}@example.org"))

    assert get_user_model().objects.count() == 2 * ROUNDS + 1
    assert len(mail.outbox) == 2 * ROUNDS + 1  # both kinds get a message
    ratio = statistics.median(known) / statistics.median(new)
    print(
        f"\nsign-up medians: known {statistics.median(known) * 1000:.0f} ms,"
        f" new {statistics.median(new) * 1000:.0f} ms, ratio {ratio:.2f}"
    )
    assert 0.5 < ratio < 2
