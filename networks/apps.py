from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Organizations and networks")

    def ready(self):
        from networks import aid_notices, alerts, checks  # noqa: F401 - registers

        alerts.register()
        aid_notices.register()
