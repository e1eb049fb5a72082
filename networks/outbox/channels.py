"""Channels: how a message reaches a person (e-mail built in; see below)."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from networks.models import Notification

# SMTP wants CRLF line ends; smtplib fixes them only in text, not in bytes.
SMTP = compat32.clone(linesep="\r\n")


@dataclass
class Message:
    """What a renderer makes of a row; `channel` says how it goes out."""

    to: str
    subject: str
    text: str
    html: str = ""
    channel: str = "email"


def message_id(row: Notification) -> str:
    domain = settings.CALENDAR_UID_DOMAIN
    return f"<notification-{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"


# Channels: how a message reaches a person. E-mail is built in; another (an
# SMS provider, say) is a class with the same four methods, registered with
# `register_channel("sms", SmsChannel)`, and chosen by renderers through
# `Message.channel`. One instance serves one delivery task, so it may keep a
# connection open between messages.


class Channel:
    def send(self, row: Notification, message: Message) -> None:
        """Hand the message over; raise if it was not accepted."""
        raise NotImplementedError

    def close(self) -> None:
        """Drop any connection; `send` opens a new one when needed."""

    def is_permanent(self, error: Exception) -> bool:
        """True when trying again cannot help (a bad address, say)."""
        return False

    def describe(self, error: Exception) -> str:
        return f"{type(error).__name__}: {error}"[:500]


class EmailChannel(Channel):
    """Django's default mailer (SMTP in production), one connection a task.

    Over SMTP the message is written with the standard library's MIME classes
    (`email.mime`, the compat32 policy) and handed to the mailer's open
    connection: Django's own `EmailMessage` builds every header through the
    modern `email` policy, which took a third of the time of each reminder
    (the profile is in the README's benchmarks). Other mailers (the console
    in development, memory in tests) get Django's message.
    """

    def __init__(self):
        self.mailer = mailers.default
        self.smtp = isinstance(self.mailer, SmtpBackend)
        self.sender = None

    def send(self, row, message):
        if self.smtp:
            return self._send_smtp(row, message)
        email = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + message.subject,
            body=message.text,
            to=[message.to],
            headers={"Message-ID": message_id(row)},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        self.mailer.open()  # a no-op while the connection is open
        self.mailer.send_messages([email])

    def _send_smtp(self, row, message):
        if self.sender is None:
            self.sender = self.mailer.prep_address(settings.DEFAULT_FROM_EMAIL)
        to = self.mailer.prep_address(message.to)  # ValueError: cannot be written
        text = MIMEText(message.text, "plain", "utf-8")
        if message.html:
            mime = MIMEMultipart("alternative")
            mime.attach(text)
            mime.attach(MIMEText(message.html, "html", "utf-8"))
        else:
            mime = text
        mime["Subject"] = _header(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + message.subject
        )
        mime["From"] = _header(settings.DEFAULT_FROM_EMAIL)
        mime["To"] = to
        mime["Date"] = formatdate()
        mime["Message-ID"] = message_id(row)
        self.mailer.open()  # a no-op while the connection is open
        self.mailer.connection.sendmail(self.sender, [to], mime.as_bytes(policy=SMTP))

    def close(self):
        self.mailer.close()

    def is_permanent(self, error):
        """A bad address or a 5xx answer will not get better by trying again."""
        if isinstance(error, ValueError):
            return True  # an address Django cannot write
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in error.recipients.values()]
            return all(500 <= code < 600 for code in codes)
        code = getattr(error, "smtp_code", None)
        return isinstance(code, int) and 500 <= code < 600

    def describe(self, error):
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            parts = [
                f"{address}: {code} {answer.decode(errors='replace')}"
                for address, (code, answer) in error.recipients.items()
            ]
            return ("Refused by the mail server: " + "; ".join(parts))[:500]
        code = getattr(error, "smtp_code", None)
        if code is not None:
            answer = error.smtp_error
            if isinstance(answer, bytes):
                answer = answer.decode(errors="replace")
            return f"The mail server answered {code} {answer}"[:500]
        return super().describe(error)


def _header(value: str):
    """One line (a title with a line break must not start a new header),
    RFC 2047-encoded when it is not ASCII."""
    value = " ".join(value.splitlines())
    return value if value.isascii() else Header(value, "utf-8")


_channels: dict[str, Callable[[], Channel]] = {"email": EmailChannel}


def register_channel(name: str, factory: Callable[[], Channel]) -> None:
    _channels[name] = factory


def has_channel(name: str) -> bool:
    return name in _channels


def open_channel(name: str) -> Channel:
    return _channels[name]()
