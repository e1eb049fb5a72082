"""Logs a machine can read: one JSON object a line, each carrying the id of
the request (or of the request that queued the task) it was written for.

- `RequestIdMiddleware` takes the X-Request-ID a proxy sent (when it looks
  like an id) or makes one, answers with it, and logs one line per request:
  method, route pattern, status, milliseconds. The route pattern, never the
  path: paths hold feed and confirmation tokens. No address, no query string,
  no user: logs are read by more people than the data is meant for.
- `RequestIdFilter` puts the id on every record, so every line of a request
  (Django's, allauth's, ours) has it.
- Celery: a task queued during a request carries the id in a message header,
  and the worker's lines for that task have it too (`connect_celery`).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.urls import Resolver404, resolve

request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "request_id"

log = logging.getLogger("networks.requests")


class RequestIdFilter(logging.Filter):
    """Adds the request id to every record, and takes the path out of
    Django's own request records ("Not Found: /signups/guest/<token>/"):
    the route pattern stands in for it, and the request object (whose text
    is its path) is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Some records arrive with the field present but empty (a record
        # factory or another library may add it): fill it in then too.
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            if isinstance(record.args, tuple):
                record.args = tuple(
                    route(request) if arg == request.path else arg
                    for arg in record.args
                )
            del record.request
        return True


def incoming_id(request) -> str:
    """The proxy's X-Request-ID when it is one (anything else, a client may
    have written to put something in our logs), or a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if VALID_ID.match(given) else uuid.uuid4().hex


def route(request) -> str:
    match = request.resolver_match
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "(no route)"
    return match.route or match.view_name


class RequestIdMiddleware:
    """Early in MIDDLEWARE, so that its id covers everything after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Kept until the response is closed (request_finished, below): Django
        # logs a 4xx or 5xx after the middleware has returned.
        request_id.set(incoming_id(request))
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        log.info(
            "%s %s %s",
            request.method,
            route(request),
            response.status_code,
            extra={
                "method": request.method,
                "route": route(request),
                "status": response.status_code,
                "ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    request_id.set("-")


def connect_celery() -> None:
    """Carry the request id from the code that queues a task to the worker
    that runs it (config/celery.py calls this once)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    @before_task_publish.connect(weak=False)
    def add_request_id(headers=None, **kwargs):
        if headers is not None and request_id.get() != "-":
            headers[HEADER] = request_id.get()

    tokens: dict[str, contextvars.Token] = {}

    @task_prerun.connect(weak=False)
    def set_request_id(task_id=None, task=None, **kwargs):
        # A task run eagerly inside a request keeps that request's id.
        current = request_id.get()
        # A worker puts a message's own headers on the request; a task run
        # with apply(headers=...) has them under `headers`.
        given = (
            getattr(task.request, HEADER, None)
            or (getattr(task.request, "headers", None) or {}).get(HEADER)
            or (current if current != "-" else f"task-{task_id}")
        )
        tokens[task_id] = request_id.set(given)

    @task_postrun.connect(weak=False)
    def reset_request_id(task_id=None, **kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            request_id.reset(token)
