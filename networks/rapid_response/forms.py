"""Forms of rapid-response networks. Times are typed in the network's zone."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.forms import (
    ZIP,
    Form,
    NetworkBasics,
    PersonForm,
    SpamTrap,
    clean_zip,
    days,
)
from networks.languages import WORKING_LANGUAGES
from networks.models.mutual_aid import AidKind, AidNetwork, Urgency
from networks.models.rapid_response import (
    ActivityKind,
    AreaKind,
    Duty,
    ReportStatus,
    ResponseRole,
    Service,
    TrainingKind,
    VerificationMethod,
)
from networks.rapid_response.services import OUTCOME_FIELDS

REPORT_MAX_AGE_DAYS = 30
# What families most often need after a detention, first in the list.
DETENTION_KINDS = (AidKind.BOND, AidKind.RENT, AidKind.CHILDCARE)


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input, read in the zone given to the form."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def localize(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=None).replace(tzinfo=zone).astimezone(dt.UTC)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ReportForm(SpamTrap, Form):
    """What anyone can report, with no account and no name."""

    kind = forms.ChoiceField(
        label=_("What did you see?"),
        choices=ActivityKind.choices,
        widget=forms.RadioSelect,
    )
    seen_at = LocalDateTimeField(label=_("When?"))
    city = forms.CharField(label=_("City"), max_length=120)
    neighbourhood = forms.CharField(
        label=_("Neighbourhood"),
        max_length=120,
        required=False,
        help_text=_("Shown publicly if the report is confirmed."),
    )
    zip_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    location = forms.CharField(
        label=_("Exact place"),
        max_length=300,
        required=False,
        help_text=_(
            "Address, cross streets or a landmark. Only the network's trained "
            "members see it, never the public."
        ),
    )
    description = forms.CharField(
        label=_("What is happening?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
        help_text=_("Vehicles, number of agents, uniforms. No names needed."),
    )
    urgent = forms.BooleanField(
        label=_("Someone is being detained right now"), required=False
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 4. Location and camera data are removed."),
    )
    contact = forms.CharField(
        label=_("How can we reach you? (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "A phone number or e-mail. Only dispatchers see it, and it is "
            "deleted after 30 days."
        ),
    )

    def __init__(self, *args, network, upload_refused="", **kwargs):
        """`upload_refused`: why photos were left out of the request, unread
        (networks.uploads.refusal), to be shown on the photos field."""
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(network.timezone)
        self.upload_refused = upload_refused

    def clean_seen_at(self):
        value = localize(self.cleaned_data["seen_at"], self.zone)
        now = timezone.now()
        if value > now + dt.timedelta(minutes=10):
            raise forms.ValidationError(_("That time is in the future."))
        if value < now - dt.timedelta(days=REPORT_MAX_AGE_DAYS):
            raise forms.ValidationError(
                _("Reports are for the last %(days)s days.")
                % {"days": REPORT_MAX_AGE_DAYS}
            )
        return value

    def clean_zip_code(self):
        return clean_zip(self.cleaned_data["zip_code"])

    def clean_photos(self):
        if self.upload_refused:
            raise forms.ValidationError(self.upload_refused)
        photos = self.cleaned_data["photos"]
        if len(photos) > 4:
            raise forms.ValidationError(_("At most 4 photos."))
        return photos

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind",
                "seen_at",
                "city",
                "neighbourhood",
                "zip_code",
                "location",
                "description",
                "urgent",
                "contact",
            )
        }


class VerifyForm(Form):
    method = forms.ChoiceField(
        label=_("How did you verify it?"), choices=VerificationMethod.choices
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


FINAL_STATUSES = [
    (ReportStatus.UNCONFIRMED, ReportStatus.UNCONFIRMED.label),
    (ReportStatus.FALSE_ALARM, ReportStatus.FALSE_ALARM.label),
    (ReportStatus.CLOSED, ReportStatus.CLOSED.label),
]


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Mark as"), choices=FINAL_STATUSES)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class NoteForm(Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class OutcomeForm(Form):
    detained = forms.IntegerField(
        label=_("People detained"), min_value=0, max_value=1000, required=False
    )
    released = forms.IntegerField(
        label=_("People released"), min_value=0, max_value=1000, required=False
    )
    legal_referral = forms.BooleanField(label=_("Legal referral made"), required=False)
    family_support = forms.BooleanField(
        label=_("Family support needed"), required=False
    )
    referred_to = forms.ChoiceField(
        label=_("Referred to"),
        choices=[("", "—"), ("lawyer", _("A lawyer")), ("mutual_aid", _("Mutual aid"))],
        required=False,
    )

    @classmethod
    def initial_for(cls, report) -> dict:
        return {name: getattr(report, name) for name in OUTCOME_FIELDS}


class HelpForm(Form):
    """A dispatcher opens a request for help after a detention."""

    network = forms.ModelChoiceField(
        label=_("Mutual-aid network"),
        queryset=AidNetwork.objects.none(),
        # Most organizations have one: it is chosen already.
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=_("Kind of help"),
        choices=[(k.value, k.label) for k in DETENTION_KINDS]
        + [(k.value, k.label) for k in AidKind if k not in DETENTION_KINDS],
        initial=AidKind.BOND,
    )
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.WEEK
    )
    amount = forms.DecimalField(
        label=_("Amount (US$), for bond, rent or medical costs"),
        min_value=Decimal("1"),
        max_value=Decimal("100000"),
        decimal_places=2,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "The family agreed that the mutual-aid coordinators may have the "
            "reporter's contact"
        ),
        required=False,
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["network"].queryset = organization.aid_networks.order_by("name")

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "urgency", "amount")}


class AnswerForm(Form):
    """A responder's answer to an alert: going or not."""

    answer = forms.ChoiceField(
        choices=[("yes", _("I am going")), ("no", _("I cannot go"))]
    )

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["answer"] == "yes"


class SlotForm(Form):
    duty = forms.ChoiceField(
        label=_("On call as"),
        choices=Duty.choices,
        initial=Duty.RESPOND,
        help_text=_(
            "Dispatchers on the desk's rota are told of every new report; "
            "when nobody is on it, every dispatcher is."
        ),
    )
    starts = LocalDateTimeField(label=_("Starts"))
    ends = LocalDateTimeField(label=_("Ends"))
    tier = forms.IntegerField(
        label=_("Escalation group"),
        min_value=1,
        max_value=5,
        initial=1,
        help_text=_("Alerts go to group 1 first, then 2, and so on."),
    )
    places = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=1000, initial=5
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas (none: all of the network's area)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.zone = ZoneInfo(network.timezone)
        self.fields["areas"].choices = [(a.pk, str(a)) for a in network.areas.all()]

    def clean_areas(self):
        """The network's areas chosen (read when the slot is saved)."""
        return self.network.areas.filter(pk__in=self.cleaned_data["areas"])

    def clean(self):
        cleaned = super().clean()
        starts = localize(cleaned.get("starts"), self.zone)
        ends = localize(cleaned.get("ends"), self.zone)
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The end is not after the start."))
        if ends and ends <= timezone.now():
            self.add_error("ends", _("This is in the past."))
        cleaned["starts"], cleaned["ends"] = starts, ends
        return cleaned


TRACKING_CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


class TrackForm(Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("The code on the page you saw after sending the report."),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).upper()
        if not re.fullmatch(r"[0-9A-Z]{10}", code):
            raise forms.ValidationError(
                _("A tracking code has ten letters and digits, like 7K2QD-M9XAT.")
            )
        return f"{code[:5]}-{code[5:]}"


AREA_LINE = re.compile(r"^\s*(zip|city|county)\s*:\s*(.+?)\s*$", re.IGNORECASE)


class NetworkForm(NetworkBasics):
    hotline = forms.CharField(label=_("Hotline number"), max_length=40, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=WORKING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.CharField(
        label=_("Areas covered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_(
            "One per line: “zip: 60608”, “city: Chicago” or “county: Cook”. "
            "Reports are matched to on-call slots by ZIP code and city."
        ),
    )
    verifications_needed = forms.IntegerField(
        label=_("Verifiers needed to confirm a report"),
        min_value=1,
        max_value=10,
        initial=2,
    )
    escalate_after_minutes = forms.IntegerField(
        label=_("Minutes before an alert goes to the next group"),
        min_value=1,
        max_value=240,
        initial=10,
    )
    unverified_days = days(_("Days to keep reports never confirmed"), initial=30)
    contact_days = days(_("Days to keep reporters' contact details"), initial=30)
    alerts_expire_hours = forms.IntegerField(
        label=_("Hours a public alert stays up"),
        min_value=1,
        max_value=168,
        initial=12,
        help_text=_(
            "After this, alerts leave the public page and feed; members keep "
            "the record."
        ),
    )
    rights_en = forms.CharField(
        label=_("Know your rights, in English"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text=_("Empty: the site's general text is shown."),
    )
    rights_es = forms.CharField(
        label=_("Know your rights, in Spanish"),
        widget=forms.Textarea(attrs={"rows": 6, "lang": "es"}),
        max_length=10000,
        required=False,
        help_text=_("Empty: the site's general text is shown."),
    )

    def clean_hotline(self):
        value = self.cleaned_data["hotline"].strip()
        if value and not re.fullmatch(r"[0-9+() .-]{7,40}", value):
            raise forms.ValidationError(
                _("A phone number: digits, spaces, +, -, ( and ) only.")
            )
        return value

    def clean_areas(self):
        areas = []
        for number, line in enumerate(self.cleaned_data["areas"].splitlines(), 1):
            if not line.strip():
                continue
            match = AREA_LINE.match(line)
            if not match:
                raise forms.ValidationError(
                    _(
                        "Line %(n)s: write “zip: 60608”, “city: Chicago” or "
                        "“county: Cook”."
                    )
                    % {"n": number}
                )
            kind, value = match.group(1).lower(), match.group(2)
            if kind == AreaKind.ZIP and not ZIP.match(value):
                raise forms.ValidationError(
                    _("Line %(n)s: a ZIP code has five digits.") % {"n": number}
                )
            areas.append((kind, value[:120]))
        if not areas:
            raise forms.ValidationError(_("Name at least one area."))
        return areas

    @classmethod
    def initial_for(cls, network) -> dict:
        return {
            "name": network.name,
            "hotline": network.hotline,
            "timezone": network.timezone,
            "languages": network.languages,
            "services": network.services,
            "areas": "\n".join(f"{a.kind}: {a.value}" for a in network.areas.all()),
            "verifications_needed": network.verifications_needed,
            "escalate_after_minutes": network.escalate_after_minutes,
            "unverified_days": network.unverified_days,
            "contact_days": network.contact_days,
            "alerts_expire_hours": network.alerts_expire_hours,
            "rights_en": network.rights_en,
            "rights_es": network.rights_es,
        }


# Both forms ask for an e-mail address on the same page: their own ids keep
# each label pointing at its own field.


class RoleForm(PersonForm):
    role = forms.ChoiceField(label=_("Role"), choices=ResponseRole.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "role_%s")
        super().__init__(*args, **kwargs)


class TrainingForm(PersonForm):
    kind = forms.ChoiceField(label=_("Training"), choices=TrainingKind.choices)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "training_%s")
        super().__init__(*args, **kwargs)

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate() or value < dt.date(2000, 1, 1):
            raise forms.ValidationError(_("Give the day the training was completed."))
        return value


def local_now(network) -> str:
    return (
        timezone.now().astimezone(ZoneInfo(network.timezone)).strftime("%Y-%m-%dT%H:%M")
    )
