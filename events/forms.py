import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events import fragments
from events.display import shift_when
from events.models import (
    MAX_PLACES,
    Action,
    ActionKind,
    Campaign,
    DatePrecision,
    ShiftRole,
    validate_reminder_offsets,
    validate_timezone,
)
from networks.forms import SpamTrap
from networks.geocoding import geocode, us_state_code, us_states
from networks.models import Organization, OrganizationKind, Role

WHEN_CHOICES = [
    ("upcoming", _("Upcoming")),
    ("past", _("Past")),
    ("undated", _("Date not known")),
    ("all", _("All")),
]


class PlainSelect(forms.Select):
    """A <select> built in Python rather than from one template per option.

    Django renders every option through its own template include; with 200
    campaigns that was most of the list page's time, growing with the data.
    With `shared` (a name), the escaped options are kept in the cache for the
    data generation (events.fragments): the same for every visitor.
    """

    def __init__(self, attrs=None, choices=(), *, shared: str = ""):
        super().__init__(attrs, choices)
        self.shared = shared

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f"{head}{' selected' if key in chosen else ''}{tail}"
            for key, head, tail in self.escaped_options()
        )
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), mark_safe(options)
        )

    def escaped_options(self) -> list[tuple[str, str, str]]:
        """(value, '<option value=...', '>label</option>') for each choice."""

        def build():
            return [
                (
                    str(key),
                    f'<option value="{escape(key)}"',
                    f">{escape(label)}</option>",
                )
                for key, label in self.choices
            ]

        if not self.shared:
            return build()
        return fragments.cached("options", build, self.shared)


class PlainInputMixin:
    """An <input> built in Python, like PlainSelect: the same HTML as
    Django's input template, without two template renders per field."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        given = {} if widget["value"] is None else {"value": widget["value"]}
        return format_html(
            "<input{}>",
            flatatt({"type": widget["type"], "name": name, **given, **widget["attrs"]}),
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainDateInput(PlainInputMixin, forms.DateInput):
    pass


class SlugChoiceIterator(forms.models.ModelChoiceIterator):
    """(slug, name) pairs straight from the database, no model instances."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("slug", "name")

    def __len__(self):
        return self.queryset.count() + (self.field.empty_label is not None)


class SlugChoiceField(forms.ModelChoiceField):
    """Choose a row by its slug; options are listed without building models."""

    iterator = SlugChoiceIterator

    def __init__(self, queryset, *, shared: str = "", **kwargs):
        widget = PlainSelect(shared=shared)
        super().__init__(queryset, to_field_name="slug", widget=widget, **kwargs)


class StateField(forms.ChoiceField):
    """A US state from the list, also when a link gives its name ("Wisconsin"
    as well as "WI")."""

    widget = PlainSelect

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", _("Any state")), *us_states()], **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return us_state_code(value) or value if value else value


class ActionFilterForm(forms.Form):
    """The list page's filters. Invalid fields are reported and left out."""

    q = forms.CharField(
        label=_("Search"), max_length=200, required=False, widget=PlainTextInput
    )
    when = forms.ChoiceField(
        label=_("When"), choices=WHEN_CHOICES, required=False, widget=PlainSelect
    )
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        choices=[("", _("Any kind")), *ActionKind.choices],
        required=False,
        widget=PlainSelect,
    )
    campaign = SlugChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.all(),
        empty_label=_("Any campaign"),
        required=False,
        shared="filter-campaigns",
    )
    organization = SlugChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        empty_label=_("Any organization"),
        required=False,
        shared="filter-organizations",
    )
    city = forms.CharField(
        label=_("City"), max_length=120, required=False, widget=PlainTextInput
    )
    region = StateField(label=_("State"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        help_text=_("A date range replaces the upcoming and past lists."),
        required=False,
        widget=PlainDateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=PlainDateInput(attrs={"type": "date"}),
    )

    def clean_when(self) -> str:
        return self.cleaned_data["when"] or "upcoming"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value and not (dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31)):
                self.add_error(name, _("Enter a date between 1900 and 2200."))
        return cleaned

    def active_count(self) -> int:
        """How many filters the person set (the tabs set "when"), for the
        folded filters' button on a phone."""
        return sum(
            1 for name in self.fields if name != "when" and self.data.get(name, "")
        )

    def filters(self) -> dict:
        """The valid filters only: a bad field never hides the whole list."""
        if not self.is_bound:
            return {"when": "upcoming"}
        self.is_valid()
        values = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        values.setdefault("when", "upcoming")
        if values.get("date_from") or values.get("date_to"):
            # An explicit date range replaces the upcoming/past split.
            values["when"] = "all"
        return values


# Organizer forms. Times are entered as the local time of the action's place
# and stored in UTC; the zone comes from the place unless given.

EARLIEST_DAYS = 366
LATEST_DAYS = 3 * 366


def check_date(value: dt.date) -> None:
    today = dt.date.today()
    if value < today - dt.timedelta(days=EARLIEST_DAYS):
        raise forms.ValidationError(_("That date is more than a year ago."))
    if value > today + dt.timedelta(days=LATEST_DAYS):
        raise forms.ValidationError(_("That date is more than three years ahead."))


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of action"), choices=ActionKind.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )
    demands = forms.CharField(
        label=_("Demands"),
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        help_text=_("Local time at the place. Leave empty if not known yet."),
        widget=forms.TimeInput(attrs={"type": "time"}),
        required=False,
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        required=False,
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    city = forms.CharField(label=_("City"), max_length=120)
    region = forms.CharField(
        label=_("State or region"),
        max_length=60,
        required=False,
        help_text=_("Two-letter code in the US, such as WI."),
    )
    country = forms.CharField(
        label=_("Country"), max_length=2, min_length=2, initial="US"
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_("Such as America/Chicago. Leave empty to take it from the city."),
        validators=[validate_timezone],
    )
    reminders = forms.CharField(
        label=_("Reminders before each shift"),
        max_length=60,
        required=False,
        initial="24, 2",
        help_text=_(
            "Hours before each shift when confirmed volunteers get a reminder, "
            "separated by commas, such as 24, 2 (0.5 is half an hour). Leave "
            "empty for none."
        ),
    )

    def clean_reminders(self):
        minutes = []
        for part in self.cleaned_data["reminders"].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                hours = Decimal(part)
            except InvalidOperation:
                hours = None
            if hours is None or not hours.is_finite():
                raise ValidationError(
                    _("“%(value)s” is not a number of hours.") % {"value": part}
                )
            minutes.append(int((hours * 60).to_integral_value()))
        validate_reminder_offsets(minutes)
        return sorted(minutes, reverse=True)

    def clean_date(self):
        value = self.cleaned_data["date"]
        check_date(value)
        return value

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def clean_region(self):
        return self.cleaned_data["region"].upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if end and not start:
            self.add_error("end_time", _("Give the start time too."))
        if start and end and end <= start:
            self.add_error("end_time", _("The end is not after the start."))
        if start and not cleaned.get("timezone") and cleaned.get("city"):
            zone = geocode(
                city=cleaned["city"],
                region=cleaned.get("region", ""),
                country=cleaned.get("country", "US"),
            ).timezone
            if not zone:
                self.add_error(
                    "timezone",
                    _("We cannot tell the time zone from this place; please give it."),
                )
            cleaned["timezone"] = zone
        return cleaned

    def values(self) -> dict:
        """Field values for events.services.create_action/update_action."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "title",
                "kind",
                "description",
                *Action.PLACE_FIELDS,
            )
        }
        values["demands"] = [
            line.strip() for line in data["demands"].splitlines() if line.strip()
        ]
        values["start_date"] = data["date"]
        values["timezone"] = data.get("timezone") or ""
        if "reminders" in self.data:  # a client that omits it changes nothing
            values["reminder_offsets"] = data["reminders"]
        if data.get("start_time"):
            zone = ZoneInfo(values["timezone"])
            starts = dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone)
            ends = data.get("end_time")
            values["date_precision"] = DatePrecision.DATETIME
            values["starts_at"] = starts.astimezone(dt.UTC)
            values["ends_at"] = (
                dt.datetime.combine(data["date"], ends, tzinfo=zone).astimezone(dt.UTC)
                if ends
                else None
            )
        else:
            values["date_precision"] = DatePrecision.DATE
            values["starts_at"] = values["ends_at"] = None
        return values

    @classmethod
    def initial_for(cls, action) -> dict:
        local = action.local_starts_at
        return {
            "title": action.title,
            "kind": action.kind,
            "description": action.description,
            "demands": "\n".join(action.demands),
            "reminders": ", ".join(
                f"{m / 60:.2f}".rstrip("0").rstrip(".") for m in action.reminder_offsets
            ),
            "date": action.start_date,
            "start_time": local.time() if local else None,
            "end_time": action.local_ends_at.time() if action.ends_at else None,
            "venue": action.venue,
            "address": action.address,
            "city": action.city,
            "region": action.region,
            "country": action.country,
            "timezone": action.timezone,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        help_text=_("Everyone signed up sees this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class LocalDateTimeInput(forms.DateTimeInput):
    """A `datetime-local` input; browsers leave it empty unless the value
    has the "T" between date and time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ShiftForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ShiftRole.choices)
    starts = forms.DateTimeField(
        label=_("Starts"),
        help_text=_("Local time at the action's place."),
        widget=LocalDateTimeInput,
    )
    ends = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=MAX_PLACES)
    what_to_bring = forms.CharField(
        label=_("What to bring"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    training = forms.CharField(
        label=_("Training needed"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = action.zone

    def _local(self, name):
        value = self.cleaned_data[name]
        # The browser sends a naive local time; it is the place's local time.
        value = value.replace(tzinfo=None)
        check_date(value.date())
        return value.replace(tzinfo=self.zone)

    def clean_starts(self):
        return self._local("starts")

    def clean_ends(self):
        return self._local("ends")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The end is not after the start."))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "starts_at": data["starts"].astimezone(dt.UTC),
            "ends_at": data["ends"].astimezone(dt.UTC),
            "places": data["places"],
            "what_to_bring": data["what_to_bring"],
            "training": data["training"],
        }

    @classmethod
    def initial_from_action(cls, action) -> dict:
        """A new shift starts as the action's span, when its times are known
        (a date alone gives no time to offer)."""
        starts, ends = action.local_starts_at, action.local_ends_at
        return {
            "starts": starts.replace(tzinfo=None) if starts else None,
            "ends": ends.replace(tzinfo=None) if ends else None,
        }

    @classmethod
    def initial_for(cls, shift) -> dict:
        zone = shift.action.zone
        return {
            "role": shift.role,
            "starts": shift.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends": shift.ends_at.astimezone(zone).replace(tzinfo=None),
            "places": shift.places,
            "what_to_bring": shift.what_to_bring,
            "training": shift.training,
        }


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the date is not set yet."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )
    demands = forms.CharField(
        label=_("Demands"),
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    needed_roles = forms.MultipleChoiceField(
        label=_("Roles each local action needs"),
        help_text=_("Roles still unfilled counts only these."),
        choices=ShiftRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def of(cls, campaign, data=None) -> "CampaignForm":
        """The form for changing `campaign`, filled with what it holds now."""
        initial = {
            "name": campaign.name,
            "date": campaign.date,
            "description": campaign.description,
            "demands": "\n".join(campaign.demands),
            "needed_roles": campaign.needed_roles,
        }
        return cls(data, initial=initial)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value:
            check_date(value)
        return value

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "date": data["date"],
            "description": data["description"],
            "demands": [
                line.strip() for line in data["demands"].splitlines() if line.strip()
            ],
            # In the order of the list, whatever order the browser sent.
            "needed_roles": [r for r in ShiftRole.values if r in data["needed_roles"]],
        }


class GuestSignupForm(SpamTrap, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm, and your shift details."),
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)


class MemberRoleForm(forms.Form):
    """A member's new role; removing a member is a form of its own."""

    role = forms.ChoiceField(choices=Role.choices)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(max_length=500, required=False)


class CheckInForm(forms.Form):
    present = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda v: v == "1",
        empty_value=True,
        required=False,
    )


class NotificationPreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of our messages"), choices=settings.LANGUAGES
    )
    reminders = forms.BooleanField(
        label=_("Reminders before my shifts"), required=False
    )
    messages = forms.BooleanField(
        label=_("Messages from the organizers of my actions"), required=False
    )


class MessageForm(forms.Form):
    """An organizers' message to everyone on an action, or on one shift."""

    shift = forms.TypedChoiceField(
        label=_("To"), coerce=int, empty_value=None, required=False
    )
    waitlist = forms.BooleanField(
        label=_("Also to people on the waitlist"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    # Set by the preview's "Send" button: a message goes out only after the
    # organizer has seen it and how many people it reaches.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, shifts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].choices = [("", _("Everyone on every shift"))] + [
            (shift.pk, f"{shift.get_role_display()} · {shift_when(shift)}")
            for shift in shifts
        ]
