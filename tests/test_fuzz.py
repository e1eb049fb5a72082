"""Odd input never makes a server error.

Every URL pattern of the site (the resolver walked, admin and accounts
included) is asked for with arguments drawn by hypothesis (NUL and other
control characters, line breaks, very long and very large values) by an
anonymous visitor, a signed-in person and a staff member with two-factor
authentication; every list page and feed is asked with every public GET
parameter drawn the same way. Any answer of 500 or more, or an exception,
fails. On PostgreSQL, which refuses NUL in text, this is where it matters;
on SQLite it still catches the rest.
"""

from urllib.parse import urlencode

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.forms import ActionFilterForm
from tests import urlwalk
from tests.factories import ActionFactory, ShiftFactory

pytestmark = pytest.mark.django_db

TRIED = {"requests": 0, "server_errors": 0}
ROUTES = urlwalk.routes()


@pytest.fixture(scope="module", autouse=True)
def figures():
    """The figure the issue asks for, printed once the module ran (-s)."""
    yield
    print(f"\nfuzz requests tried: {TRIED['requests']}, 5xx: {TRIED['server_errors']}")


odd_text = st.one_of(
    st.sampled_from(
        ["\x00", "a\x00b", "a\r\nX:1", "%00", "..", " ", "é", "🙂", "0", "-1"]
    ),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.text(st.characters(codec="utf-8", max_codepoint=0x7F), min_size=200),
)
odd_int = st.one_of(
    st.integers(min_value=0, max_value=2**64),
    st.sampled_from(["0", "00", "9" * 30]),
)


def argument(converter: str):
    return (odd_int if converter == "int" else odd_text).map(str)


def person(kind: str):
    if kind == "anonymous":
        return None
    user = get_user_model().objects.create(
        username=f"fuzz-{kind}",
        email=f"{kind}@example.org",
        is_staff=kind == "staff",
        is_superuser=kind == "staff",
    )
    if kind == "staff":
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
    return user


def ask(client, path: str, query: str = ""):
    TRIED["requests"] += 1
    client.raise_request_exception = False
    response = client.get(path + ("?" + query if query else ""))
    if response.status_code >= 500:
        TRIED["server_errors"] += 1
    assert response.status_code < 500, f"{response.status_code} for {path}?{query}"
    return response


FUZZ = hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# The admin sends anyone but staff to the login page before reading its
# arguments, so it is fuzzed as staff; the rest as a visitor and a member.
CASES = [
    (who, route, converters)
    for route, converters in ROUTES
    for who in (["staff"] if route.startswith("admin/") else ["anonymous", "member"])
]


@pytest.mark.parametrize(
    ("who", "route", "converters"), CASES, ids=[f"{w}-{r}" for w, r, _ in CASES]
)
def test_no_path_argument_makes_a_server_error(client, who, route, converters):
    user = person(who)
    if user is not None:
        client.force_login(user)
    ActionFactory(slug="a-real-action")

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {name: argument(kind) for name, kind in converters.items()}
        )
    )
    def fuzz(values):
        ask(client, urlwalk.fill(route, values))

    if converters:
        fuzz()
    else:
        ask(client, "/" + route)


PARAMETERS = [*ActionFilterForm.base_fields, "page", "format", "next"]
LISTS = ["/", "/actions/", "/feeds/actions.ics", "/campaigns/", "/organizations/"]


@pytest.fixture
def shift():
    return ShiftFactory(action__slug="a-real-action")


@pytest.mark.parametrize("path", LISTS)
@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(PARAMETERS), odd_text | odd_int.map(str), min_size=1
    )
)
def test_no_get_parameter_makes_a_server_error(client, shift, path, query):
    ask(client, path, urlencode(query))


@pytest.mark.parametrize(
    "path",
    [
        "/places/US/%00/",
        "/signups/guest/%00/",
        "/feeds/private/%00/shifts.ics",
        "/es/rr/%00/report/",
    ],
)
def test_a_nul_character_is_a_bad_request(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
