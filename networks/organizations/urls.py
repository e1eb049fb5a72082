"""Our pages in front of allauth's at the same addresses (config/urls.py puts
them first): reversing allauth's names still gives these addresses."""

from django.urls import path

from networks.organizations import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp),
    path("2fa/recovery-codes/", views.recovery_codes),
]
