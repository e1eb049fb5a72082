"""Every page reads as words, in English and in Spanish.

The walk goes over every URL the site routes (so a new page is covered when
it is added), filled from worlds that hold one of everything, fetched by the
first person allowed to see it, in both languages. A page fails on a Python
repr (`{'`, `[<`), a stored choice code shown as it is (`sign_in`,
`draft → published`), or, in Spanish, an English sentence of the catalogue
left untranslated.
"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.models import ActionKind, ActionStatus, DatePrecision, ShiftRole
from events.services import cancel_action, sign_up, submit_to_campaign
from networks.models import Role
from networks.mutual_aid import services as mutual_aid
from networks.organizations.services import create_organization, set_member
from networks.rapid_response import services as rapid_response
from tests.factories import ActionFactory, CampaignFactory, ShiftFactory, UserFactory
from tests.networks import aid_world, response_world

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
SKIPPED_NAMESPACES = {"admin"}
# Not pages: files, feeds and forms that only answer a POST.
NOT_PAGES = re.compile(r"\.(ics|rss|csv|json)$|/photos/|^/i18n/|^/healthz")


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "title") and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def choice_codes() -> set[str]:
    """Stored values of every choice list that cannot pass for a word."""
    codes = set()
    for model in apps.get_app_configs():
        if model.name not in ("events", "networks"):
            continue
        for cls in model.get_models():
            for field in cls._meta.get_fields():
                for value, _label in getattr(field, "choices", None) or []:
                    if isinstance(value, str) and ("_" in value or " " in value):
                        codes.add(value)
    return codes


def english_sentences() -> set[str]:
    """Sentences of the catalogue whose Spanish differs: seen on a Spanish
    page they were left untranslated."""
    found = set()
    for entry in polib.pofile(str(PO)):
        text = entry.msgid
        if (
            entry.msgstr
            and entry.msgstr != text
            and len(text.split()) >= 4
            and not re.search(r"%\(|\{|<|\n", text)
        ):
            found.add(text)
    return found


@pytest.fixture
def world():
    admin = UserFactory(email="words-admin@example.org", is_staff=False)
    organization = create_organization(
        user=admin, name="Tucson Families", kind="grassroots"
    )
    organizer = UserFactory(email="words-organizer@example.org")
    set_member(
        organization=organization, user=organizer, role=Role.ORGANIZER, actor=admin
    )
    national = UserFactory(email="words-national@example.org")
    runs = create_organization(user=national, name="National Network", kind="network")
    campaign = CampaignFactory(
        name="Day without immigrants",
        date=timezone.localdate() + dt.timedelta(days=40),
        needed_roles=["marshal", "sign_in"],
    )
    campaign.organizers.set([runs])
    march = ActionFactory(
        title="March for families",
        kind=ActionKind.MARCH,
        status=ActionStatus.PUBLISHED,
        date_precision=DatePrecision.DATE,
        start_date=dt.date(2026, 3, 28),
        city="Tucson",
        region="AZ",
        timezone="America/Phoenix",
        organizers=[organization],
    )
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    future = ActionFactory(
        title="Vigil at the courthouse",
        kind=ActionKind.VIGIL,
        status=ActionStatus.PUBLISHED,
        date_precision=DatePrecision.DATETIME,
        start_date=soon.date(),
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        city="Tucson",
        region="AZ",
        timezone="America/Phoenix",
        organizers=[organization],
    )
    shift = ShiftFactory(action=future, role=ShiftRole.SIGN_IN, places=1)
    ShiftFactory(action=future, role=ShiftRole.LEGAL_OBSERVER, places=3)
    volunteer = UserFactory(email="words-volunteer@example.org")
    signup = sign_up(shift_id=shift.pk, volunteer=volunteer)
    sign_up(shift_id=shift.pk, volunteer=UserFactory())
    submit_to_campaign(action=march, campaign=campaign, actor=organizer)
    cancelled = ActionFactory(
        title="Walkout", kind=ActionKind.WALKOUT, organizers=[organization]
    )
    cancel_action(action=cancelled, actor=organizer, reason="Heat warning")

    response = response_world.build(city="Tucson")
    network = response["network"]
    report = rapid_response.submit_report(
        network=network,
        values={
            k: v
            for k, v in response_world.report_data().items()
            if k not in ("contact", "seen_at")
        }
        | {"seen_at": timezone.now() - dt.timedelta(minutes=5)},
    )
    verifier = response["people"]["verifier"]
    rapid_response.verify(report=report, verifier=verifier, method="on_scene")
    rapid_response.verify(
        report=report, verifier=response["people"]["verifier 2"], method="photo"
    )
    rapid_response.dispatch(report=report, actor=response["people"]["dispatcher"])
    alert = report.alerts.first()

    aid = aid_world.build()
    aid_network = aid["network"]
    help_request = mutual_aid.submit_request(
        network=aid_network,
        values={k: v for k, v in aid_world.ask_data().items() if k not in ("contact",)},
        contact=aid_world.CONTACT,
    )
    mutual_aid.publish(help_request=help_request)
    fund = mutual_aid.create_fund(
        network=aid_network,
        values={"name": "Bond fund", "kind": "bond", "goal": Decimal(5000)},
    )
    pledge = mutual_aid.add_pledge(fund=fund, amount=Decimal(100))

    membership = organization.memberships.get(user=organizer)
    kwargs = {
        "networks": {
            "slug": network.slug,
            "organization": organization.slug,
            "report_id": report.pk,
            "slot_id": response["slots"][0].pk,
            "alert_id": alert.pk if alert else 0,
        },
        "aid": {
            "slug": aid_network.slug,
            "organization": organization.slug,
            "fund_slug": fund.slug,
            "help_request_id": help_request.pk,
            "offer_id": aid_network.offers.first().pk,
            "member_id": aid_network.members.first().pk,
            "fund_id": fund.pk,
            "pledge_id": pledge.pk,
        },
        "events": {
            "action_id": future.pk,
            "shift_id": shift.pk,
            "signup_id": signup.pk,
            "membership_id": membership.pk,
            "country": "US",
            "region": "AZ",
            "city": "Tucson",
            "token": "x",
        },
    }
    slugs = {
        "manage-campaign": campaign.slug,
        "manage-campaign-edit": campaign.slug,
        "campaign-detail": campaign.slug,
        "action-detail": march.slug,
    }
    people = [
        None,
        admin,
        volunteer,
        national,
        response["people"]["dispatcher"],
        response["people"]["admin"],
        response["people"]["responder"],
        aid["people"]["coordinator"],
        aid["people"]["admin"],
        aid["people"]["driver"],
    ]
    return {
        "kwargs": kwargs,
        "slugs": slugs,
        "organization": organization,
        "people": people,
        "extra": [march.get_absolute_url(), cancelled.get_absolute_url()],
    }


def routed(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            name = pattern.namespace or namespace
            if name not in SKIPPED_NAMESPACES and "accounts" not in str(
                pattern.pattern
            ):
                yield from routed(pattern.url_patterns, name)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern


def page_urls(world) -> list[str]:
    urls = list(world["extra"])
    for namespace, pattern in routed(get_resolver().url_patterns):
        names = pattern.pattern.regex.groupindex
        given = dict(world["kwargs"].get(namespace, {}))
        given["slug"] = world["slugs"].get(
            pattern.name, given.get("slug", world["organization"].slug)
        )
        if any(name not in given for name in names):
            continue
        full = f"{namespace}:{pattern.name}" if namespace else pattern.name
        url = reverse(full, kwargs={name: given[name] for name in names})
        if not NOT_PAGES.search(url):
            urls.append(url)
    return urls


def fetch(client, url, people, language):
    """The page as the first person allowed to see it gets it, or None."""
    client.cookies["django_language"] = language
    for person in people:
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get(f"/es{url}" if language == "es" else url)
        if response.status_code == 200 and "html" in response["Content-Type"]:
            return response.content.decode()
    return None


def problems(text: str, codes: set[str], sentences: set[str] | None) -> list[str]:
    found = []
    for repr_start in ("{'", '{"', "[<", "<QuerySet", "<bound method"):
        if repr_start in text:
            found.append(f"Python repr {repr_start!r}")
    found += [
        f"code {code!r}"
        for code in codes
        if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", text)
    ]
    found += [
        f"arrow between codes {m.group(0)!r}"
        for m in re.finditer(r"\b([a-z_]+) → ([a-z_]+)\b", text)
    ]
    if sentences is not None:
        found += [f"English {s!r}" for s in sentences if s in text]
    return found


def test_every_page_reads_as_words_in_english_and_spanish(client, world):
    codes, sentences = choice_codes(), english_sentences()
    seen, failures = 0, {}
    for url in page_urls(world):
        english = fetch(client, url, world["people"], "en")
        if english is None:
            continue
        spanish = fetch(client, url, world["people"], "es")
        seen += 1
        for language, html, check in (
            ("en", english, None),
            ("es", spanish or "", sentences),
        ):
            found = problems(visible(html), codes, check)
            if found:
                failures[f"{language} {url}"] = found

    assert seen > 40
    assert failures == {}


def test_a_march_date_is_marzo_and_a_march_is_a_marcha(client, world):
    client.cookies["django_language"] = "es"

    page = visible(client.get(f"/es{world['extra'][0]}").content.decode())

    assert "28 de marzo de 2026" in page
    assert "Marcha" in page and "de Marcha de" not in page


def test_the_walk_catches_what_it_is_meant_to_catch():
    codes = {"sign_in", "legal_observer"}
    sentences = {"Hello there my friend"}

    assert problems("Languages: {'bidi': False}", codes, None)
    assert problems("Role: sign_in", codes, None)
    assert problems("status: draft → published", codes, None)
    assert problems("Hola. Hello there my friend", codes, sentences)
    assert problems("Role: Sign-in, /manage/sign_in/", codes, sentences) == []


def test_network_languages_and_areas_are_words(client, world):
    network_url = reverse(
        "networks:network", kwargs={"slug": world["kwargs"]["networks"]["slug"]}
    )

    english = visible(client.get(network_url).content.decode())
    client.cookies["django_language"] = "es"
    spanish = visible(client.get(f"/es{network_url}").content.decode())

    assert "Languages English, Spanish" in english
    assert "City: Tucson" in english
    assert "Idiomas Inglés, Español" in spanish


def test_timeline_counts_agree_with_their_number(client, world):
    report_url = reverse(
        "networks:report",
        kwargs={
            "slug": world["kwargs"]["networks"]["slug"],
            "report_id": world["kwargs"]["networks"]["report_id"],
        },
    )
    client.force_login(world["people"][4])

    page = visible(client.get(report_url).content.decode())

    assert "2 verifications" in page
    assert re.search(r"group 1: 2 people", page)
    assert "1 people" not in page and "1 verifications" not in page
