"""HTTP pieces the wings' public pages share."""

import hashlib
import hmac
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override


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


class RefuseNulMiddleware:
    """A NUL character in a path is never a real address: refuse it (400)
    before a view hands it to the database, which cannot hold it in text.
    Query and form values go through forms, whose fields already refuse it
    with a message (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise BadRequest("NUL character in the path")
        return self.get_response(request)


def frame_ancestors(*sources: str):
    """Lets the pages of `sources` (origins, or CSP.SELF) frame this view, an
    embed; every other page of the site refuses to be framed at all."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            config = {**settings.SECURE_CSP, "frame-ancestors": list(sources)}
            framed = xframe_options_exempt(csp_override(config)(view))
            return framed(request, *args, **kwargs)

        return wrapped

    return decorator
