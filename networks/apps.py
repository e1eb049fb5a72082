from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    default = True
    name = "networks"
    verbose_name = _("Organizations and networks")

    def ready(self):
        from networks import sealing  # noqa: F401 - registers the key check
        from networks.mutual_aid import notices as mutual_aid_notices
        from networks.organizations import notices as organization_notices
        from networks.rapid_response import notices as rapid_response_notices

        organization_notices.register()
        rapid_response_notices.register()
        mutual_aid_notices.register()


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that asks staff for two-factor authentication."""

    default = False
    default_site = "networks.admin_site.TwoFactorAdminSite"
