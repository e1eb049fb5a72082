import datetime as dt

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.models import ActionKind, Campaign
from networks.models import Organization

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
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(key)}"'
            f"{' selected' if str(key) in chosen else ''}>{escape(label)}</option>"
            for key, label in self.choices
        )
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), mark_safe(options)
        )


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

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", widget=PlainSelect, **kwargs)


class ActionFilterForm(forms.Form):
    """The list page's filters. Invalid fields are reported and left out."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
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
    )
    organization = SlugChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        empty_label=_("Any organization"),
        required=False,
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    region = forms.CharField(label=_("State or region"), max_length=60, required=False)
    date_from = forms.DateField(
        label=_("From"),
        help_text=_("A date range replaces the upcoming and past lists."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        # Labels sit above their fields; a trailing colon adds nothing.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

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
