"""What a day of action's organizers and its local hosts are told by e-mail.

When a host puts an action forward, the day's organizers (admins and
organizers of the organizations that run it) are told there is something to
review; when they answer, the host's organizers are told whether it was
approved and, for a draft, that it shows once they publish it. The rows go
through the outbox like every other notice and are written when the data
commits; each is rendered when sent, in the recipient's language, from the
action as it is then (an answer overtaken by another is not sent).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from events.models import Action, ActionStatus, Campaign, CampaignReview
from networks.models import ORGANIZING_ROLES, Notification, NotificationKind
from networks.organizations import selectors as network_selectors
from networks.outbox import services as outbox

OVERTAKEN = gettext_noop("The answer changed since.")
WITHDRAWN = gettext_noop("The action is no longer put forward to this day.")


def _organizers_of(organizations) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(
            memberships__organization__in=organizations,
            memberships__role__in=ORGANIZING_ROLES,
            is_active=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def submitted(action: Action, campaign: Campaign) -> None:
    """Tell the day's organizers that a local action waits for them."""
    outbox.add(
        [
            outbox.new(
                kind=NotificationKind.SUBMITTED,
                target=action,
                recipient_id=person,
                payload={"campaign": campaign.pk},
            )
            for person in _organizers_of(campaign.organizers.all())
        ]
    )


def reviewed(action: Action) -> None:
    """Tell the action's hosts the day's answer."""
    outbox.add(
        [
            outbox.new(
                kind=NotificationKind.REVIEWED,
                target=action,
                recipient_id=person,
                payload={
                    "campaign": action.campaign_id,
                    "review": action.campaign_review,
                },
            )
            for person in _organizers_of(action.organizers.all())
        ]
    )


def load(ids: list[int]) -> dict[int, Action]:
    return Action.objects.select_related("campaign").in_bulk(ids)


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(f"events:{name}", kwargs=kwargs)


def _lead(row: Notification, action: Action) -> tuple[str, str, str]:
    """Subject, first lines and the link to follow."""
    names = {"action": action.title, "campaign": action.campaign.name}
    if row.kind == NotificationKind.SUBMITTED:
        return (
            _("To review for %(campaign)s: %(action)s") % names,
            _("A local action was put forward to %(campaign)s: %(action)s.") % names,
            _url("manage-campaign", slug=action.campaign.slug),
        )
    manage = _url("manage-action", action_id=action.pk)
    if action.campaign_review == CampaignReview.REJECTED:
        lead = _("%(action)s was not accepted for %(campaign)s.") % names
        if action.campaign_review_note:
            lead += "\n" + _("Their note: %(note)s") % {
                "note": action.campaign_review_note
            }
        return _("Not accepted: %(action)s") % names, lead, manage
    if action.status == ActionStatus.PUBLISHED:
        lead = _("%(action)s is approved: it shows on the page of %(campaign)s.")
        link = _url("campaign-detail", slug=action.campaign.slug)
    else:
        lead = _(
            "%(action)s is approved for %(campaign)s. It is still a draft: "
            "it shows on the day's page once you publish it."
        )
        link = manage
    return _("Approved: %(action)s") % names, lead % names, link


def render(row: Notification, action: Action, memo: dict) -> outbox.Message:
    if action.campaign_id != row.payload.get("campaign"):
        raise outbox.NotNeeded(WITHDRAWN)
    review = row.payload.get("review")
    if review and action.campaign_review != review:
        raise outbox.NotNeeded(OVERTAKEN)
    person = row.recipient
    language = network_selectors.message_language(person)
    with translation.override(language):
        subject, lead, link = _lead(row, action)
        context = {
            "language": language,
            "subject": subject,
            "name": person.get_full_name(),
            "lead": lead,
            "link": link,
            "preferences_url": _url("notification-preferences"),
        }
        return outbox.Message(
            to=person.email,
            subject=subject,
            text=render_to_string("events/email/review.txt", context),
            html=render_to_string("events/email/review.html", context),
        )


def register() -> None:
    outbox.register_target(Action, load)
    outbox.register(NotificationKind.SUBMITTED, render)
    outbox.register(NotificationKind.REVIEWED, render)
