import logging

from celery import shared_task

from events import services

logger = logging.getLogger(__name__)


@shared_task
def purge_personal_data() -> dict[str, int]:
    purged = services.purge_personal_data()
    logger.info("purged personal data: %s", purged)
    return purged
