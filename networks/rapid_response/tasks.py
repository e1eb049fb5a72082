from networks.periodic import periodic_task
from networks.rapid_response import services


@periodic_task("escalate_alerts")
def escalate_alerts() -> int:
    """Every minute: reports nobody is going to get the next on-call group."""
    return services.escalate()


@periodic_task("apply_report_retention")
def apply_report_retention() -> dict[str, int]:
    """Hourly: each network's retention schedule for reports."""
    return services.apply_retention()
