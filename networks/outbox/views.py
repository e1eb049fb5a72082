from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from networks.outbox import selectors

STATS_SECONDS = 15


def _outbox_stats() -> dict:
    stats = selectors.stats()
    for name in ("last_sweep", "oldest_due"):
        if stats[name]:
            stats[name] = stats[name].isoformat()
    return stats


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
