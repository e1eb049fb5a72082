from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Campaigns and actions")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from events import notices, reviews
        from events.feeds import invalidate
        from events.models import Action, Campaign, Shift, Signup
        from networks.models import Organization, SourceDocument

        notices.register()
        reviews.register()

        def changed(**kwargs):
            if not kwargs.get("raw"):
                invalidate()

        # Everything a calendar feed shows: a write to any of it is a new version.
        for model in (Action, Campaign, Shift, Signup, Organization, SourceDocument):
            # weak=False: `changed` is local to this method and would be
            # collected (and silently disconnected) once it returns.
            post_save.connect(
                changed, sender=model, weak=False, dispatch_uid=f"feeds-{model}"
            )
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid=f"feeds-d-{model}"
            )
        for links in (
            Action.organizers.through,
            Action.sources.through,
            Campaign.organizers.through,
            Campaign.sources.through,
        ):
            m2m_changed.connect(
                changed, sender=links, weak=False, dispatch_uid=f"feeds-{links}"
            )
