from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from networks.models import (
    Heartbeat,
    Notification,
    Organization,
    SourceDocument,
)
from networks.models.mutual_aid import AidCount, AidNetwork, HelpRequest
from networks.models.rapid_response import Report, ResponseNetwork
from networks.outbox import selectors as outbox_selectors
from networks.outbox import services as outbox


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "kind", "publisher", "published_on"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at"]
    readonly_fields = ["name", "last_run_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only; failed rows can be sent again.

    The list starts with when the sweep last ran and the counts by state.
    """

    change_list_template = "admin/networks/notification/change_list.html"
    list_display = ["pk", "kind", "recipient", "due_at", "state", "attempts"]
    list_display_links = ["pk"]
    list_filter = ["state", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "last_error"]
    date_hierarchy = "due_at"
    actions = ["send_again"]
    readonly_fields = [
        field.name
        for field in Notification._meta.fields
        if field.name not in {"id", "last_error"}
    ] + ["reason"]
    fields = readonly_fields

    @admin.display(description=_("last error"))
    def reason(self, notification):
        """Known reasons in the reader's language; a server's answer as is."""
        return gettext(notification.last_error) if notification.last_error else ""

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "outbox": outbox_selectors.stats()}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description=_("Send the chosen failed notifications again"))
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request, _("%(count)s will be sent again.") % {"count": count}
        )


@admin.register(ResponseNetwork)
class ResponseNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "timezone", "verifications_needed"]
    search_fields = ["name", "slug"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Counts and states only: contacts and exact places stay on the network's
    own pages, for its dispatchers and members."""

    list_display = ["pk", "network", "kind", "status", "city", "created_at"]
    list_filter = ["status", "kind", "network"]
    fields = ["network", "kind", "status", "city", "created_at", "dispatched_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AidNetwork)
class AidNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "claim_mode"]
    search_fields = ["name", "slug"]


@admin.register(HelpRequest)
class AidRequestAdmin(admin.ModelAdmin):
    """States only: contacts and details stay on the network's own pages."""

    list_display = ["pk", "network", "kind", "urgency", "status", "created_at"]
    list_filter = ["status", "kind", "network"]
    fields = ["network", "kind", "urgency", "status", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AidCount)
class AidCountAdmin(admin.ModelAdmin):
    list_display = ["network", "month", "kind", "outcome", "count"]
    list_filter = ["network", "kind", "outcome"]
