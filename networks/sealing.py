"""Sealing the contact details of people who ask for help.

Fernet from `cryptography` (authenticated encryption, maintained, no home-made
crypto). The keys come from the environment (`AID_CONTACT_KEYS`), never the
database: a copy of the database alone reads nothing. The first key seals;
every key listed unseals (MultiFernet), which is how keys are rotated: put a
new key first, run `manage.py reseal_aid_contacts`, then drop the old key.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = settings.AID_CONTACT_KEYS
    if not keys:
        raise ImproperlyConfigured(
            "AID_CONTACT_KEYS is not set: mutual-aid contacts cannot be sealed. "
            "Make a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    return MultiFernet([Fernet(key) for key in keys])


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(token: str) -> str:
    """The contact; a token no key opens reads as empty."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def reseal(token: str) -> str:
    """The same contact, sealed with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode() if token else ""
