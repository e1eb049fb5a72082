"""HTTP pieces the wings' public pages share."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.messages import get_messages


def private(response):
    """A page about someone's report or request: never cached, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def messages_by_anchor(request, prefix: str) -> tuple[dict[int, list], list]:
    """The messages a view tied to an anchor (extra_tags "<prefix><id>"), by
    id, so a page shows them where the person lands, and the rest.

    Reading them here marks them as shown, like the template would."""
    anchored, rest = {}, []
    for message in get_messages(request):
        tag = next(
            (t for t in message.extra_tags.split() if t.startswith(prefix)), None
        )
        key = tag.removeprefix(prefix) if tag else ""
        if key.isdigit():
            anchored.setdefault(int(key), []).append(message)
        else:
            rest.append(message)
    return anchored, rest


def client_key(request) -> str:
    """A salted hash of the address, for the rate limit; the address itself
    is never stored, not even in the cache."""
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(
        settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256
    ).hexdigest()
