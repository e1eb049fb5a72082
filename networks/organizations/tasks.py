from networks.organizations import services
from networks.periodic import periodic_task


@periodic_task("record_heartbeat", max_retries=5)
def record_heartbeat(name: str = "beat") -> None:
    services.record_heartbeat(name=name)
