"""Structured logs (networks/logs.py): a request id on every line of a
request, and no personal data in any line of a whole journey."""

import json
import logging
import re
from logging.config import DictConfigurator

import pytest
from django.conf import settings
from django.core import mail

from events.models import Signup
from networks import logs
from networks.outbox import services as outbox
from tests.factories import ShiftFactory
from tests.networks import aid_world, response_world


class Capture(logging.Handler):
    """Every record, formatted as production formats it (JSON, with the
    request-id filter), at every level of every logger."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        configurator = DictConfigurator({"version": 1})
        self.setFormatter(
            configurator.configure_formatter(
                dict(settings.LOGGING["formatters"]["json"])
            )
        )
        self.addFilter(
            configurator.configure_filter(
                dict(settings.LOGGING["filters"]["request_id"])
            )
        )
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def captured():
    root = logging.getLogger()
    handler, level = Capture(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_it_answers_with_a_new_request_id(client):
    first = client.get("/healthz/live")["X-Request-ID"]
    second = client.get("/healthz/live")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("lb-7f3a9c21-0001", True),
        ("a" * 128, True),
        ("short", False),
        ("two words here", False),
        ('x", "level": "forged', False),
        ("a" * 129, False),
    ],
)
def test_it_keeps_a_proxys_request_id_only_when_it_looks_like_one(client, given, kept):
    answered = client.get("/healthz/live", HTTP_X_REQUEST_ID=given)["X-Request-ID"]

    assert (answered == given) is kept


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id(client, captured):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-test-0001")

    records = captured.records()
    assert {(r["name"], r["level"]) for r in records} >= {
        ("django.request", "WARNING"),  # Django's "Not Found"
        ("networks.requests", "INFO"),  # ours, one per request
    }
    assert {r["request_id"] for r in records} == {"req-test-0001"}


@pytest.mark.django_db
def test_the_request_line_names_the_route_not_the_path(client, captured):
    client.get("/signups/guest/a-secret-token-0123456789/")

    (line,) = [r for r in captured.records() if r["name"] == "networks.requests"]
    assert line["route"] == "signups/guest/<str:token>/"
    assert (line["method"], line["status"]) == ("GET", 404)
    assert "a-secret-token" not in json.dumps(captured.records())


@pytest.mark.django_db(transaction=True)
def test_a_whole_journey_leaves_no_personal_data_in_the_logs(client, captured):
    """A report with a contact, a help request with a contact, a guest who
    signs up and confirms, and every notification they cause sent."""
    rr = response_world.build()
    aid = aid_world.build(name="Little Village Aid")
    shift = ShiftFactory(places=3)
    report = response_world.report_data(contact="Text Lupe at +1 312 555 0177")
    guest = {"name": "Rosalinda Quispe", "email": "rosalinda.q@example.net"}

    reported = client.post(f"/rr/{rr['network'].slug}/report/", report)
    asked = client.post(
        f"/aid/{aid['network'].slug}/ask/",
        aid_world.ask_data(contact="Signal +1 773 555 0168, ask for Marisol"),
    )
    joined = client.post(f"/shifts/{shift.pk}/join/", {**guest, "website": ""})
    confirm = re.search(r"/signups/confirm/\S+/", mail.outbox[-1].body)[0]
    confirmed = client.post(confirm)
    for ids in outbox.queue_due():
        outbox.deliver(ids)

    assert (reported.status_code, asked.status_code, joined.status_code) == (
        302,
        302,
        302,
    )
    assert confirmed.status_code == 302
    assert Signup.objects.get().guest_email == guest["email"]
    assert len(mail.outbox) >= 2
    routes = {r.get("route") for r in captured.records()}
    assert {"rr/<slug:slug>/report/", "aid/<slug:slug>/ask/"} <= routes
    text = "\n".join(captured.lines).lower()
    for personal in [
        "+1 312 555 0177",
        "312 555 0177",
        "3125550177",
        "lupe",
        "+1 773 555 0168",
        "7735550168",
        "marisol",
        "rosalinda",
        "quispe",
        "rosalinda.q@example.net",
        "1800 s blue island",
        *[message.to[0].lower() for message in mail.outbox],
    ]:
        assert personal not in text, personal


@pytest.fixture
def probe_task():
    from config.celery import app

    seen = {}

    @app.task(name="tests.logs.probe", bind=True)
    def probe(self):
        logging.getLogger("tests.probe").info("inside the task")
        seen["request_id"] = logs.request_id.get()

    yield probe, seen
    del app.tasks["tests.logs.probe"]


def test_a_task_queued_during_a_request_carries_its_id(probe_task):
    from kombu import Connection

    probe, _ = probe_task
    with Connection("memory://") as connection:
        token = logs.request_id.set("req-queued-0001")
        try:
            probe.apply_async(connection=connection)
        finally:
            logs.request_id.reset(token)
        queue = connection.SimpleQueue("celery")
        message = queue.get(timeout=5)
        queue.close()

    assert message.headers["task"] == "tests.logs.probe"
    assert message.headers["request_id"] == "req-queued-0001"


def test_the_worker_logs_a_task_with_the_id_it_carries(probe_task, captured):
    probe, seen = probe_task

    probe.apply(headers={"request_id": "req-queued-0002"})
    probe.apply()

    lines = [r for r in captured.records() if r["message"] == "inside the task"]
    assert [line["request_id"] for line in lines[:1]] == ["req-queued-0002"]
    assert lines[1]["request_id"].startswith("task-")
    assert logs.request_id.get() == "-"  # nothing left behind for the next task
