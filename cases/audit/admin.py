"""Accounts in the admin, for administrators: no way to grant superuser powers or hidden permissions.

Administrators (the ``administrator`` group, staff) view, add and change accounts and give them roles
(groups). Only a superuser sees or changes superuser status and per-user permissions, or changes a
superuser's account; nobody deletes an account from here (deactivate it: the access log refers to it).
The TOTP devices are not in the admin: their secrets must not be on view; an administrator resets a
user's second factor on the Users and sessions page (cases.audit.views).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

admin.site.unregister(User)
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        accounts = super().get_queryset(request)
        return accounts if request.user.is_superuser else accounts.filter(is_superuser=False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
