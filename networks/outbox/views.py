import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from networks.outbox import selectors
from networks.rules import public

STATS_SECONDS = 15


def _outbox_stats() -> dict:
    stats = selectors.stats()
    for name in ("last_sweep", "oldest_due"):
        if stats[name]:
            stats[name] = stats[name].isoformat()
    return stats


@public
@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and staff: database, cache, last beat,
    and the notification outbox (last sweep, rows by state). No personal data.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    cache.set("healthz", "ok", 10)
    beats = {h.name: h.last_run_at.isoformat() for h in selectors.heartbeats()}
    # Counting the outbox reads a whole index; load balancers call this often,
    # so the figures may be up to STATS_SECONDS old.
    notifications = cache.get_or_set("healthz-outbox", _outbox_stats, STATS_SECONDS)
    return JsonResponse(
        {
            "database": "ok",
            "cache": cache.get("healthz"),
            "heartbeats": beats,
            "notifications": notifications,
        }
    )


@public
@never_cache
@require_safe
def live(request):
    """Liveness: this process answers. It touches nothing outside the process,
    so that a database outage does not get every web process restarted."""
    return JsonResponse({"status": "ok"})


@public
@never_cache
@require_safe
def ready(request):
    """Readiness: the database and the cache (Redis when configured) answer.
    503 when either does not, so the load balancer sends nobody here.

    The outbox's lag (how long the oldest due notification has waited) is
    reported, and named "lagging" past OUTBOX_LAG_LIMIT_SECONDS, but does not
    make the answer 503: taking web processes out of service cannot make the
    workers catch up, it would only turn late mail into an outage. Monitoring
    alerts on it instead. No personal data.
    """
    checks = {"database": _database(), "cache": _cache()}
    lag = None
    if checks["database"] == "ok":
        lag = _outbox_lag()
    limit = settings.OUTBOX_LAG_LIMIT_SECONDS
    checks["outbox"] = "unknown" if lag is None else "ok" if lag <= limit else "lagging"
    ok = checks["database"] == "ok" and checks["cache"] == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", **checks, "outbox_lag_seconds": lag},
        status=200 if ok else 503,
    )


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "error"
    return "ok"


def _cache() -> str:
    try:
        cache.set("healthz-ready", "ok", 10)
        return "ok" if cache.get("healthz-ready") == "ok" else "error"
    except Exception:  # noqa: BLE001 - any failure of the cache's client
        return "error"


def _outbox_lag() -> int | None:
    try:
        stats = cache.get_or_set("healthz-outbox", _outbox_stats, STATS_SECONDS)
    except Exception:  # noqa: BLE001 - the cache is down: ask the database
        stats = _outbox_stats()
    if not stats["oldest_due"]:
        return 0
    oldest = dt.datetime.fromisoformat(stats["oldest_due"])
    return max(0, int((timezone.now() - oldest).total_seconds()))
