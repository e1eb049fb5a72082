"""HTTP pieces the wings' public pages share."""

import hashlib
import hmac

from django.conf import settings


def private(response):
    """A page about someone's report or request: never cached, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def client_key(request) -> str:
    """A salted hash of the address, for the rate limit; the address itself
    is never stored, not even in the cache."""
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(
        settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256
    ).hexdigest()
