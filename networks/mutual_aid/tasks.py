from networks.mutual_aid import services
from networks.periodic import periodic_task


@periodic_task("aid_housekeeping")
def aid_housekeeping() -> dict[str, int]:
    """Hourly: remind coordinators, expire stale requests, purge old details."""
    return services.housekeeping()
