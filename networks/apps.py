from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
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
