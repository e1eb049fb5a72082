from celery import shared_task

from networks import services


@shared_task
def record_heartbeat(name: str = "beat") -> None:
    services.record_heartbeat(name=name)
