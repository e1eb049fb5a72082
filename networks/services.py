from django.utils import timezone

from networks.models import Heartbeat


def record_heartbeat(*, name: str) -> Heartbeat:
    """Store that the periodic job `name` ran now (one row per name)."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now()}
    )
    return heartbeat
