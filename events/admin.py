from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import ACTIVE_SIGNUP, Action, Campaign, Shift, Signup, SignupStatus
from events.services import refresh_place


class ShiftInlineForm(forms.ModelForm):
    """Staff edit shifts here too; capacity rules still hold.

    Places never drop below those confirmed, and a shift with people on it is
    not deleted (that would delete their signups without telling anyone; see
    ShiftInlineFormSet).
    """

    class Meta:
        model = Shift
        fields = ["role", "starts_at", "ends_at", "places", "what_to_bring", "training"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        active = self.instance.signups.filter(ACTIVE_SIGNUP)
        confirmed = active.filter(status=SignupStatus.CONFIRMED).count()
        places = cleaned.get("places")
        if places is not None and places < confirmed:
            self.add_error(
                "places",
                _(
                    "%(confirmed)s people are already confirmed; places cannot go "
                    "below that. Cancel signups first."
                )
                % {"confirmed": confirmed},
            )
        return cleaned


class ShiftInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Forms marked for deletion skip their own validation, so check here.
        for form in self.deleted_forms:
            if (
                form.instance.pk
                and form.instance.signups.filter(ACTIVE_SIGNUP).exists()
            ):
                raise forms.ValidationError(
                    _(
                        "People are signed up for this shift; "
                        "cancel their signups first."
                    )
                )


class ShiftInline(admin.TabularInline):
    model = Shift
    form = ShiftInlineForm
    formset = ShiftInlineFormSet
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "date_basis", "updated_at"]
    list_filter = ["date_basis"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organizers", "sources"]
    date_hierarchy = "date"


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "start_date",
        "city",
        "region",
        "campaign",
        "geocode_status",
    ]
    list_filter = ["status", "kind", "date_precision", "geocode_status", "campaign"]
    inlines = [ShiftInline]
    search_fields = ["title", "slug", "city", "venue", "description"]
    list_select_related = ["campaign"]
    autocomplete_fields = ["campaign"]
    filter_horizontal = ["organizers", "sources"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["geocode_status", "created_at", "updated_at"]
    date_hierarchy = "start_date"
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "kind", "status", "campaign", "organizers"]},
        ),
        (
            _("When"),
            {
                "fields": [
                    "date_precision",
                    "date_basis",
                    "start_date",
                    "starts_at",
                    "ends_at",
                    "timezone",
                ],
                "description": _(
                    "Times are entered in UTC; the time zone is that of the place. "
                    "Leave the time zone empty to fill it from the city."
                ),
            },
        ),
        (
            _("Where"),
            {
                "fields": [
                    *Action.PLACE_FIELDS,
                    "latitude",
                    "longitude",
                    "geocode_status",
                ]
            },
        ),
        (
            _("About"),
            {
                "fields": [
                    "description",
                    "demands",
                    "turnout_qualifier",
                    "turnout_count",
                    "sources",
                    "open_questions",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change or set(Action.GEOCODED_FIELDS) & set(form.changed_data):
            refresh_place(action=obj)
        super().save_model(request, obj, form, change)


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    """Read-only: signups change through the services, which keep capacity."""

    list_display = ["volunteer", "shift", "status", "queued_at", "checked_in_at"]
    list_filter = ["status"]
    list_select_related = ["volunteer", "shift__action"]
    search_fields = ["shift__action__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
