"""Calendar feeds: valid for two independent parsers, stable, current, cheap."""

import datetime as dt
import gzip
import re
from pathlib import Path

import icalendar
import pytest
import time_machine
import vobject
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events import feeds
from events.models import Action, ActionStatus, Campaign, DatePrecision
from events.seeding import load_seeds
from tests.factories import ActionFactory, CampaignFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
SEEDS = Path(settings.BASE_DIR) / "seeds"
CHICAGO = dt.timezone(dt.timedelta(hours=-6))


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def parse(content: bytes) -> tuple[icalendar.Calendar, object]:
    """The same bytes read by icalendar and by vobject; both must accept them."""
    first = icalendar.Calendar.from_ical(content)
    second = vobject.readOne(content.decode("utf-8"))
    return first, second


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def timed_action(**kwargs) -> Action:
    defaults = {
        "slug": "evening-rally",
        "title": "Evening rally",
        "date_precision": DatePrecision.DATETIME,
        "starts_at": dt.datetime(2026, 2, 7, 18, 0, tzinfo=CHICAGO),
        "ends_at": dt.datetime(2026, 2, 7, 20, 0, tzinfo=CHICAGO),
        "timezone": "America/Chicago",
        "city": "Chicago",
        "region": "IL",
        "venue": "Federal Plaza",
    }
    return ActionFactory(**{**defaults, **kwargs})


def feed_urls() -> list[str]:
    campaign = Campaign.objects.get(slug="ice-out-of-everywhere-2026-01-31")
    return [
        "/feeds/actions.ics",
        "/feeds/actions.ics?kind=vigil",
        "/feeds/actions.ics?city=Milwaukee&q=vigil",
        "/feeds/actions.ics?campaign=nationwide-shutdown-2026-01-30",
        f"/campaigns/{campaign.slug}/calendar.ics",
        "/organizations/maarpr/calendar.ics",
        "/places/US/WI/calendar.ics",
        "/places/US/WI/Milwaukee/calendar.ics",
        "/places/US/-/calendar.ics",
        "/actions/milwaukee-maarpr-vigil-2026-01-30/calendar.ics",
        "/es/feeds/actions.ics",
    ]


def test_every_feed_is_read_by_two_independent_parsers(client):
    load_seeds(SEEDS)
    timed_action()

    for url in feed_urls():
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        content = response.content
        assert b"\r\n" in content and b"\n" not in content.replace(b"\r\n", b"")
        assert max(len(line) for line in content.split(b"\r\n")) <= 75
        first, second = parse(content)
        assert first.get("x-wr-calname")
        assert str(first["refresh-interval"].to_ical(), "ascii") == "PT1H"
        assert len(first.walk("VEVENT")) == len(second.contents.get("vevent", []))


def test_the_planned_days_of_action_are_in_the_feed(client):
    load_seeds(SEEDS)

    calendar, _ = parse(client.get("/feeds/actions.ics").content)

    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts[
        "Day of action: National Day of Action in solidarity with Minneapolis"
    ] == dt.date(2026, 2, 7)
    assert starts["Day of action: No Kings nationwide mobilization"] == dt.date(
        2026, 3, 28
    )


def test_an_undated_action_is_left_out_rather_than_given_a_date(client):
    load_seeds(SEEDS)

    calendar, _ = parse(client.get("/feeds/actions.ics").content)

    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert "Gathering at the Torch of Friendship" not in summaries
    assert "Vigil at All People's Gathering Church" in summaries


def test_a_date_without_a_time_is_an_all_day_event(client):
    action = ActionFactory(start_date=dt.date(2026, 2, 7))

    calendar, _ = parse(client.get(f"/actions/{action.slug}/calendar.ics").content)

    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert event.decoded("dtstart") == dt.date(2026, 2, 7)
    assert event.decoded("dtend") == dt.date(2026, 2, 8)
    assert str(event["status"]) == "TENTATIVE"


def test_a_timed_action_carries_its_zone_and_a_small_vtimezone(client):
    timed_action()
    timed_action(
        slug="portland-rally",
        title="Portland rally",
        city="Portland",
        region="OR",
        timezone="America/Los_Angeles",
        starts_at=dt.datetime(2026, 3, 28, 17, 0, tzinfo=dt.UTC),
        ends_at=None,
    )

    content = client.get("/feeds/actions.ics").content
    calendar, second = parse(content)

    used = {str(e["dtstart"].params["TZID"]) for e in calendar.walk("VEVENT")}
    defined = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    assert used == defined == {"America/Chicago", "America/Los_Angeles"}
    rally = next(e for e in calendar.walk("VEVENT") if e["summary"] == "Evening rally")
    assert b"DTSTART;TZID=America/Chicago:20260207T180000" in content
    assert rally.decoded("dtend").hour == 20
    # Only the transitions of the years the feed covers.
    years = {int(y) for y in re.findall(rb"DTSTART:(\d{4})", content)}
    assert years <= {2026, 2027}
    vevents = {str(e.summary.value): e for e in second.contents["vevent"]}
    assert vevents["Evening rally"].dtstart.value.utcoffset() == dt.timedelta(hours=-6)


def test_uids_stay_the_same_across_fetches_and_edits(client):
    action = timed_action()
    first = set(events(parse(client.get("/feeds/actions.ics").content)[0]))

    action.title = "Evening rally, moved indoors"
    action.venue = "Union hall"
    action.save()
    second = set(events(parse(client.get("/feeds/actions.ics").content)[0]))

    assert first == second == {f"action-{action.pk}@{settings.CALENDAR_UID_DOMAIN}"}


def test_a_change_of_time_or_place_raises_sequence_and_last_modified(client):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        action = timed_action()
    url = f"/actions/{action.slug}/calendar.ics"
    before = parse(client.get(url).content)[0].walk("VEVENT")[0]

    with time_machine.travel(dt.datetime(2026, 1, 11, 12, tzinfo=dt.UTC), tick=False):
        action = Action.objects.get(pk=action.pk)
        action.starts_at += dt.timedelta(hours=1)
        action.ends_at += dt.timedelta(hours=1)
        action.save()
    moved = parse(client.get(url).content)[0].walk("VEVENT")[0]

    with time_machine.travel(dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC), tick=False):
        action = Action.objects.get(pk=action.pk)
        action.description = "Bring water."
        action.save()
    reworded = parse(client.get(url).content)[0].walk("VEVENT")[0]

    assert moved["sequence"] == before["sequence"] + 1
    assert moved.decoded("last-modified") > before.decoded("last-modified")
    assert moved.decoded("dtstamp") == moved.decoded("last-modified")
    assert reworded["sequence"] == moved["sequence"]
    assert reworded.decoded("last-modified") > moved.decoded("last-modified")


def test_a_cancelled_action_stays_in_the_feed_as_cancelled(client):
    action = timed_action()
    action = Action.objects.get(pk=action.pk)
    action.status = ActionStatus.CANCELLED
    action.save()

    event = parse(client.get("/feeds/actions.ics").content)[0].walk("VEVENT")[0]

    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1


def test_drafts_are_never_in_a_public_feed(client):
    ActionFactory(slug="draft-action", title="Secret plan", status=ActionStatus.DRAFT)

    assert b"Secret plan" not in client.get("/feeds/actions.ics").content
    assert client.get("/actions/draft-action/calendar.ics").status_code == 404


def test_an_unchanged_feed_answers_304_to_either_validator_and_head(client):
    timed_action()
    response = client.get("/feeds/actions.ics")
    etag, modified = response["ETag"], response["Last-Modified"]

    by_etag = client.get("/feeds/actions.ics", headers={"if-none-match": etag})
    by_date = client.get("/feeds/actions.ics", headers={"if-modified-since": modified})
    old_date = http_date(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
    stale = client.get("/feeds/actions.ics", headers={"if-modified-since": old_date})
    head = client.head("/feeds/actions.ics")

    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag["ETag"] == etag and by_etag.content == b""
    assert stale.status_code == 200
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == etag
    assert head["Content-Length"] == str(len(response.content))
    assert response["Cache-Control"] == "public, max-age=900"


def test_an_edit_changes_the_etag(client):
    action = timed_action()
    etag = client.get("/feeds/actions.ics")["ETag"]

    action.title = "Renamed"
    action.save()
    response = client.get("/feeds/actions.ics", headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"Renamed" in response.content


def test_a_bad_filter_in_a_feed_address_is_refused_with_the_reason(client):
    response = client.get("/feeds/actions.ics?kind=parade&date_from=2026-02-31")

    assert response.status_code == 400
    text = response.content.decode()
    assert "kind" in text and "date_from" in text


def test_no_feed_shows_anyones_personal_data(client):
    load_seeds(SEEDS)
    get_user_model().objects.create_superuser(
        "staffer", "staffer@private.example", "a-long-password-1"
    )
    timed_action()

    for url in feed_urls():
        content = client.get(url).content
        assert b"private.example" not in content
        assert b"ATTENDEE" not in content and b"ORGANIZER" not in content
        assert b"mailto:" not in content


def test_a_campaign_feed_holds_every_action_of_the_campaign(client):
    campaign = CampaignFactory()
    for n in range(30):
        ActionFactory(
            campaign=campaign, start_date=dt.date(2020, 1, 1) + dt.timedelta(days=n)
        )

    calendar, _ = parse(client.get(f"/campaigns/{campaign.slug}/calendar.ics").content)

    assert len(calendar.walk("VEVENT")) == 31  # the day of action and its 30 actions


def test_a_broad_feed_keeps_upcoming_actions_and_drops_the_oldest_past_first(
    client, monkeypatch
):
    monkeypatch.setattr(feeds, "MAX_EVENTS", 5)
    today = dt.date.today()
    for n in range(4):
        ActionFactory(slug=f"future-{n}", start_date=today + dt.timedelta(days=n + 1))
    for n in range(4):
        ActionFactory(slug=f"past-{n}", start_date=today - dt.timedelta(days=n + 2))
    ActionFactory(
        slug="too-old", start_date=today - dt.timedelta(days=feeds.PAST_DAYS + 5)
    )

    calendar, _ = parse(client.get("/feeds/actions.ics").content)

    kept = {e["url"].rsplit("/", 2)[-2] for e in calendar.walk("VEVENT")}
    assert kept == {"future-0", "future-1", "future-2", "future-3", "past-0"}


@pytest.mark.parametrize(
    "url", ["/feeds/actions.ics", "/campaigns/{slug}/calendar.ics"]
)
def test_a_feed_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, url
):
    def build(count: int) -> str:
        Action.objects.all().delete()
        campaign = CampaignFactory()
        organization = OrganizationFactory()
        for _n in range(count):
            ActionFactory(campaign=campaign, organizers=[organization])
        cache.clear()
        return url.format(slug=campaign.slug)

    small = build(2)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(small).status_code == 200
    large = build(40)
    with django_assert_num_queries(len(small_queries)):
        assert client.get(large).status_code == 200
    # Rows (2: the day of action, the actions) and the names they show (4:
    # organizers, sources, campaign organizers, campaign names), plus the
    # view's own lookup of the campaign or none. The version is a cache read.
    assert len(small_queries) <= 7


# Text a reader may type: punctuation that iCalendar escapes, new lines, emoji,
# right-to-left scripts and long lines. No control characters (a title cannot
# hold them) and no lone surrogates (not valid UTF-8).
readable = st.characters(
    exclude_categories=["Cc", "Cs", "Co", "Cn"],
    include_characters=",;:\\\"'",
)
special = st.sampled_from(
    ["a, b; c: d\\e", "✊🏽📣", "لا للترحيل", "עברית", "x" * 300, "ñandú — «sí»"]
)
line = st.one_of(special, st.text(readable, min_size=1, max_size=120))


@given(
    title=line.map(str.strip).filter(bool),
    description=st.lists(line, min_size=1, max_size=4).map("\n".join),
)
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_text_round_trips_through_both_parsers(client, title, description):
    cache.clear()
    Action.objects.all().delete()
    action = ActionFactory(
        title=title[:200], description=description, venue=title[:200]
    )

    content = client.get(f"/actions/{action.slug}/calendar.ics").content
    first, second = parse(content)

    event = first.walk("VEVENT")[0]
    assert str(event["summary"]) == action.title
    assert str(event["description"]).startswith(action.description.strip())
    assert str(event["location"]).startswith(action.venue)
    vevent = second.contents["vevent"][0]
    assert vevent.summary.value == action.title
    assert vevent.description.value.startswith(action.description.strip())
    assert max(len(line) for line in content.split(b"\r\n")) <= 75


def test_clients_that_accept_gzip_get_it_and_either_form_revalidates(client):
    timed_action()
    plain = client.get("/feeds/actions.ics")
    packed = client.get("/feeds/actions.ics", headers={"accept-encoding": "gzip"})

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content)
    assert "Accept-Encoding" in packed["Vary"]
    for etag in (plain["ETag"], packed["ETag"]):
        again = client.get("/feeds/actions.ics", headers={"if-none-match": etag})
        assert again.status_code == 304


def test_renaming_an_organization_reaches_the_feed(client):
    organization = OrganizationFactory(name="Old name")
    ActionFactory(organizers=[organization])
    assert b"Old name" in client.get("/feeds/actions.ics").content

    organization.name = "New name"
    organization.save()

    assert b"New name" in client.get("/feeds/actions.ics").content


def test_a_write_that_sends_no_signal_is_picked_up_after_invalidate(client):
    action = ActionFactory(title="Before")
    assert b"Before" in client.get("/feeds/actions.ics").content

    Action.objects.filter(pk=action.pk).update(title="After")
    stale = client.get("/feeds/actions.ics").content
    feeds.invalidate()
    fresh = client.get("/feeds/actions.ics").content

    assert b"Before" in stale  # the documented limit: update() sends no signal
    assert b"After" in fresh


def test_the_version_changes_again_when_the_transaction_commits(
    client, django_capture_on_commit_callbacks
):
    action = ActionFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        action.title = "Renamed in a transaction"
        action.save()
        during = feeds.current_generation()

    for callback in callbacks:
        callback()

    assert callbacks, "the save schedules a second change of version on commit"
    assert feeds.current_generation() != during


def test_an_action_page_offers_the_calendar_links(client):
    action = timed_action()
    undated = ActionFactory(
        slug="undated", date_precision=DatePrecision.UNKNOWN, start_date=None
    )

    page = client.get(action.get_absolute_url()).content.decode()
    bare = client.get(undated.get_absolute_url()).content.decode()

    assert f'href="/actions/{action.slug}/calendar.ics"' in page
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20260207T180000%2F20260207T200000" in page
    assert "ctz=America%2FChicago" in page
    assert "outlook.live.com/calendar/0/deeplink/compose" in page
    assert "startdt=2026-02-07T18%3A00%3A00-06%3A00" in page
    assert "calendar.google.com" not in bare


def test_the_list_offers_a_subscription_to_exactly_its_filters(client):
    page = client.get("/actions/?kind=vigil&city=Milwaukee&page=2&when=past")

    html = page.content.decode()
    assert (
        "webcal://127.0.0.1:8000/feeds/actions.ics?kind=vigil&amp;city=Milwaukee"
        in html
    )
    assert "page=2" not in html.split("webcal://")[1].split('"')[0]


def test_line_breaks_and_control_characters_in_a_feeds_name_stay_text(client):
    timed_action()

    response = client.get("/feeds/actions.ics", {"q": "a\r\nX:1\x07"})

    assert response.status_code == 200
    first, _ = parse(response.content)
    assert str(first["x-wr-calname"]) == "Actions: a X:1 "
    assert b"\r\nX:1" not in response.content
    assert b"\x07" not in response.content


def test_control_characters_in_an_actions_text_stay_out_of_its_calendar(client):
    action = ActionFactory(
        title="Vigil\x0b at\r\nthe court", description="One\r\ntwo\x1b three"
    )

    content = client.get(f"/actions/{action.slug}/calendar.ics").content

    first, second = parse(content)
    event = first.walk("VEVENT")[0]
    assert str(event["summary"]) == "Vigil  at the court"
    assert str(event["description"]).startswith("One\ntwo  three")
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", content)


def test_an_unchanged_public_feed_answers_304_without_a_query(
    client, django_assert_num_queries
):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign)
    url = f"/campaigns/{campaign.slug}/calendar.ics"
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_a_deleted_campaigns_feed_is_gone_whatever_tag_the_client_holds(client):
    campaign = CampaignFactory()
    url = f"/campaigns/{campaign.slug}/calendar.ics"
    etag = client.get(url)["ETag"]

    campaign.delete()

    assert client.get(url, headers={"if-none-match": etag}).status_code == 404


def test_a_feed_rebuilt_after_one_edit_shows_the_edit_and_keeps_the_rest(client):
    # Event texts are kept per row (events.calendar.text_key); an edit, or a
    # renamed organizer, must make that event's text anew.
    organization = OrganizationFactory(name="Old name")
    edited = ActionFactory(title="Before", organizers=[organization])
    kept = ActionFactory(title="Kept as it was")
    first = client.get("/feeds/actions.ics").content

    edited.title = "After"
    edited.save()
    organization.name = "New name"
    organization.save()
    second = client.get("/feeds/actions.ics").content

    calendar, _ = parse(second)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["After", "Kept as it was"]
    assert b"New name" in second and b"Old name" not in second
    assert f"action-{kept.pk}@".encode() in first
    assert len(calendar.walk("VTIMEZONE")) == len(parse(first)[0].walk("VTIMEZONE"))
