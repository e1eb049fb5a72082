"""HTTP pieces the wings' public pages share."""

import hashlib
import hmac
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from networks.forms import EraseForm


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


def in_language(url: str, language: str) -> str:
    """`url` (a page of this site, any language) in `language`; other
    addresses as they are. Django's translate_url reads the address in the
    active language, so it is told which language the address is in."""
    path = urlsplit(url).path
    with translation.override(
        translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    ):
        return translate_url(url, language)


class BrowserLanguageMiddleware:
    """A page asked for without a language prefix (English, the default) by
    a browser that prefers another of our languages, by its language cookie
    (the switch in the header, or logging in) or else by Accept-Language,
    is answered with the same page in that language.

    Django's LocaleMiddleware does this only when the default language is
    prefixed too (prefix_default_language=True, /en/...); our English
    addresses stay unprefixed, so only page views of browsers (they accept
    text/html) are turned: feeds and other clients keep their addresses.
    Goes after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.redirect(request) or self.get_response(request)

    @staticmethod
    def redirect(request):
        if request.method not in ("GET", "HEAD"):
            return None
        if "text/html" not in request.headers.get("Accept", ""):
            return None
        if translation.get_language_from_path(request.path_info):
            return None
        preferred = translation.get_language_from_request(request)
        if preferred == settings.LANGUAGE_CODE:
            return None
        here = request.get_full_path()
        there = in_language(here, preferred)
        if there == here:
            return None
        response = HttpResponseRedirect(there)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


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


def erase_page(request, network, *, erase, done: str, erased: list, setup: str):
    """The emergency erase of a network's sensitive data, for either wing:
    the form that asks for the network's name, `erase(network=, actor=)` once
    it is typed right (its counts fill `done`), then back to `setup`."""
    form = EraseForm(request.POST or None, name=network.name)
    if request.method == "POST" and form.is_valid():
        counts = erase(network=network, actor=request.user)
        messages.success(request, done % counts)
        return redirect(setup)
    context = {"network": network, "form": form, "erased": erased, "back": setup}
    status = 400 if form.is_bound else 200
    return private(render(request, "networks/erase.html", context, status=status))
