"""How the lower layer declares the tasks beat runs."""

from celery import shared_task
from django.db import DatabaseError


def periodic_task(name: str, *, max_retries: int = 3):
    """A Celery task named `networks.tasks.<name>` (the name beat, queued
    messages and deployments know, wherever its code lives), run again within
    seconds after a database hiccup (a lock, a dropped connection) rather than
    waiting for its next beat."""
    return shared_task(
        name=f"networks.tasks.{name}",
        autoretry_for=(DatabaseError,),
        retry_backoff=1,
        retry_jitter=False,
        max_retries=max_retries,
    )
