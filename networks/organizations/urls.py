"""Our pages in front of allauth's at the same addresses (config/urls.py puts
them first) under allauth's names: the addresses are the same either way."""

from django.urls import path

from networks.organizations import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
    path("2fa/recovery-codes/", views.recovery_codes, name="mfa_view_recovery_codes"),
]
