from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from networks.organizations import views as organization_views
from networks.outbox.views import healthz, live, ready

urlpatterns = [
    path("i18n/setlang/", organization_views.set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="healthz-live"),
    path("healthz/ready", ready, name="healthz-ready"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("networks.organizations.urls")),
    path("accounts/", include("allauth.urls")),
    path("rr/", include("networks.rapid_response.urls")),
    path("aid/", include("networks.mutual_aid.urls")),
    path("", include("events.urls")),
    prefix_default_language=False,
)
