"""Every page, in production settings, carries the security headers: a
Content-Security-Policy with no 'unsafe-inline' that forbids framing, a
Permissions-Policy turning off what the site never uses, and the rest of
Django's SecurityMiddleware headers."""

import pytest
from django.http import HttpResponse
from django.urls import path
from django.utils.csp import CSP

from networks.http import frame_ancestors
from networks.rules import public
from tests import urlwalk
from tests.factories import ActionFactory
from tests.networks.response_world import with_mfa

pytestmark = pytest.mark.django_db

ROUTES = urlwalk.routes()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def assert_guarded(response, where: str):
    policy = directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"], where
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["script-src"][0] == "'self'", where
    assert policy["default-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert response["X-Frame-Options"] == "DENY", where
    features = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Strict-Transport-Security"].startswith("max-age="), where


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_page_carries_the_security_headers(client, production, who):
    action = ActionFactory(slug="a-real-action")
    if who == "staff":
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.create_superuser(
            "staff", "staff@example.org", "x"
        )
        client.force_login(with_mfa(staff))
    statuses = set()

    for route, converters in ROUTES:
        values = {
            name: str(action.pk) if kind == "int" else action.slug
            for name, kind in converters.items()
        }
        where = urlwalk.fill(route, values)
        response = client.get(where, secure=True)
        statuses.add(response.status_code)
        assert_guarded(response, where)

    assert {200, 302, 404} <= statuses  # pages, redirects and refusals alike


def embed(request):
    return HttpResponse("an embed")


urlpatterns = [
    path("embed/", public(frame_ancestors("https://partner.example")(embed))),
    path("plain/", public(embed)),
]


@pytest.mark.urls("tests.test_headers")
def test_a_view_marked_embeddable_may_be_framed_by_the_sites_it_names(client):
    embeddable = client.get("/embed/")
    plain = client.get("/plain/")

    assert directives(embeddable)["frame-ancestors"] == ["https://partner.example"]
    assert "X-Frame-Options" not in embeddable
    assert directives(embeddable)["default-src"] == [CSP.SELF]
    assert directives(plain)["frame-ancestors"] == ["'none'"]
    assert plain["X-Frame-Options"] == "DENY"
