"""System checks for what the lower layer needs from the environment."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def aid_contact_keys(app_configs, **kwargs):
    problems = []
    for number, key in enumerate(settings.AID_CONTACT_KEYS, 1):
        try:
            Fernet(key)
        except ValueError:
            problems.append(
                Error(
                    f"AID_CONTACT_KEYS: key {number} is not a Fernet key.",
                    id="networks.E001",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def aid_contact_keys_set(app_configs, **kwargs):
    if settings.AID_CONTACT_KEYS:
        return []
    return [
        Warning(
            "AID_CONTACT_KEYS is not set: mutual-aid networks cannot take "
            "requests for help (their contacts are sealed with it).",
            id="networks.W001",
        )
    ]
