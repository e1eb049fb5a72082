"""The Django admin, for staff with two-factor authentication only.

Staff see every person's address and every guest's name, more than any
dispatcher, so they need a second factor as dispatchers do. The admin's own
login page (password only) is replaced by the site's login, which asks for
the second factor of those who have one.
"""

from functools import wraps

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin
from django.shortcuts import render

TWO_FACTOR_PAGE = "admin/two_factor.html"


class TwoFactorAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def checked(request, *args, **kwargs):
            user = request.user
            if user.is_active and user.is_staff and not is_mfa_enabled(user):
                return render(request, TWO_FACTOR_PAGE, status=403)
            return inner(request, *args, **kwargs)

        if getattr(view, "__name__", "") == "logout":
            return inner
        return checked

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)
