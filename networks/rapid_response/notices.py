"""How responders and dispatchers are told of a report: outbox renderers.

Alerts are essential: they go whatever the person chose for other messages.
The message carries the exact place (the responder is a member with a role)
but never the reporter's contact. A dispatcher's "new report" notice carries
less still (kind, area, how it came in): the desk has the rest.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from networks.models import NotificationKind
from networks.models.rapid_response import (
    Alert,
    AlertAnswer,
    Report,
    ReportStatus,
)
from networks.organizations.selectors import message_language
from networks.outbox import services as outbox
from networks.rapid_response import selectors


def load(ids: list[int]) -> dict[int, Alert]:
    return selectors.alerts_to_send(ids)


def render(row, alert: Alert, memo: dict) -> outbox.Message:
    report = alert.report
    if alert.answer != AlertAnswer.WAITING:
        raise outbox.NotNeeded(gettext_noop("The responder has answered already."))
    if report.status in (ReportStatus.FALSE_ALARM, ReportStatus.CLOSED):
        raise outbox.NotNeeded(gettext_noop("The report is closed."))
    language = message_language(alert.responder)
    zone = report.network.timezone
    with translation.override(language):
        seen = report.seen_at.astimezone(ZoneInfo(zone))
        place = report.neighbourhood or report.city
        subject = (
            _("Urgent: %(kind)s near %(place)s")
            if report.urgent and report.status != ReportStatus.CONFIRMED
            else _("Confirmed: %(kind)s near %(place)s")
        ) % {"kind": report.get_kind_display(), "place": place}
        context = {
            "language": language,
            "subject": subject,
            "report": report,
            "network": report.network,
            "seen": _("%(day)s, %(time)s (%(zone)s, %(abbreviation)s)")
            % {
                "day": date_format(seen, "DATE_FORMAT"),
                "time": date_format(seen, "TIME_FORMAT"),
                "zone": zone,
                "abbreviation": seen.tzname(),
            },
            "answer_url": settings.SITE_URL
            + reverse("networks:alert", kwargs={"alert_id": alert.pk}),
            "rights_url": settings.SITE_URL
            + reverse("networks:rights", kwargs={"slug": report.network.slug}),
        }
        return outbox.Message(
            to=alert.responder.email,
            subject=subject,
            text=render_to_string("networks/email/alert.txt", context),
            html=render_to_string("networks/email/alert.html", context),
        )


def load_reports(ids: list[int]) -> dict[int, Report]:
    return Report.objects.select_related("network").in_bulk(ids)


def render_new_report(row, report: Report, memo: dict) -> outbox.Message:
    """To a dispatcher: a report came in; the link opens it on the desk."""
    if report.status != ReportStatus.NEW:
        raise outbox.NotNeeded(gettext_noop("Someone has taken the report up."))
    person = row.recipient  # loaded with the row, with its preference
    network = report.network
    with translation.override(message_language(person)):
        place = report.neighbourhood or report.city
        what = {"kind": report.get_kind_display(), "place": place}
        subject = (
            _("New urgent report: %(kind)s near %(place)s")
            if report.urgent
            else _("New report: %(kind)s near %(place)s")
        ) % what
        seen = report.seen_at.astimezone(ZoneInfo(network.timezone))
        link = reverse(
            "networks:report", kwargs={"slug": network.slug, "report_id": report.pk}
        )
        lines = [
            subject,
            "",
            _("Came in by") + f": {report.get_source_display()}",
            _("Seen at") + f": {date_format(seen, 'TIME_FORMAT')} ({seen.tzname()})",
            "",
            _("Open it on the desk") + f": {settings.SITE_URL}{link}",
            "",
            "-- ",
            network.name,
        ]
    return outbox.Message(to=person.email, subject=subject, text="\n".join(lines))


def register() -> None:
    outbox.register_target(Alert, load)
    outbox.register(NotificationKind.ALERT, render)
    outbox.register_target(Report, load_reports)
    outbox.register(NotificationKind.NEW_REPORT, render_new_report)
