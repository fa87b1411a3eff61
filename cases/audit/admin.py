"""Accounts in the admin, with separation of duties: the rules live in cases.audit.accounts.

Administrators (the ``administrator`` group, staff) view, add and change accounts:
- An account's names, e-mail address and whether it is active are changed in its form. Its roles are
  read-only there: they change on the account's **Roles** page, where one administrator asks for a role
  and a second one approves it (a superuser gives it alone), and where roles are taken away.
- Nobody sets another person's password. A new account has none; **Reset password** (the admin's
  password URL) issues a temporary one that only leads to choosing one's own.
- Only a superuser sees or changes superuser status, staff status and per-user permissions, or acts on
  a superuser's account; nobody deletes an account here (deactivate it: the access log refers to it).
- Every change is written to the access log in the admin's own transaction, next to the admin's history.
The TOTP devices are not in the admin: their secrets must not be on view; an administrator resets a user's
second factor on the Users and sessions page (cases.audit.views), or with the password.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UsernameField
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import dates
from cases.access import Action, Role, can
from cases.audit import accounts, sessions
from cases.audit.models import RoleRequest, RoleRequestStatus

User = get_user_model()
# Fields only a superuser changes: they grant powers beyond the roles.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "user_permissions")

admin.site.unregister(User)
admin.site.unregister(Group)
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


def _change_own_password(request, extra_context=None):
    """The admin's "Change password" link leads to the app's page, which records the change."""
    return HttpResponseRedirect(reverse("password_change"))


admin.site.password_change = _change_own_password


class AccountCreationForm(forms.ModelForm):
    """A new account: who it is. No password: an administrator issues a temporary one afterwards."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")
        field_classes = {"username": UsernameField}

    def save(self, commit=True):
        account = super().save(commit=False)
        account.set_unusable_password()
        if commit:
            account.save()
        return account


class RoleActionForm(forms.Form):
    """One action on the Roles page: ask for a role, take one away, approve or refuse a request."""

    action = forms.ChoiceField(
        choices=[("request", "Ask for"), ("remove", "Take away"), ("approve", "Approve"), ("refuse", "Refuse")]
    )
    role = forms.TypedChoiceField(choices=Role.choices, coerce=Role, required=False)
    role_request = forms.UUIDField(required=False)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in {"request", "remove"} and not cleaned.get("role"):
            self.add_error("role", "Choose a role.")
        if action in {"approve", "refuse"} and not cleaned.get("role_request"):
            self.add_error("role_request", "Choose a request.")
        return cleaned


class ResetPasswordForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have made sure who is asking",
        help_text="In person, or by calling them back at a number from the hospital's directory.",
    )
    second_factor = forms.BooleanField(
        label="Also reset their second factor (they lost their phone)",
        required=False,
        help_text="They then set up their authenticator app again after choosing their password.",
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    formfield_overrides = dates.ADMIN_FORMFIELD_OVERRIDES  # dates between 1900 and 2200
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    add_form = AccountCreationForm
    add_form_template = None
    add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "first_name", "last_name", "email"),
                "description": "The account gets no password here: on the next page, Set password issues a "
                "temporary one, and Roles asks for its role.",
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        access = ("is_active", "roles", *(SUPERUSER_ONLY_FIELDS if request.user.is_superuser else ()))
        return (
            (None, {"fields": ("username", "password")}),
            ("Personal info", {"fields": ("first_name", "last_name", "email")}),
            ("Access", {"fields": access}),
            ("Important dates", {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        return ("roles", "last_login", "date_joined") if obj is not None else ()

    @admin.display(description="Roles")
    def roles(self, obj) -> str:
        held = ", ".join(role.label for role in Role if role in accounts.roles_of(obj)) or "none"
        url = reverse("admin:auth_user_roles", args=[obj.pk])
        return format_html('{} · <a href="{}">Change roles</a>', held, url)

    def get_queryset(self, request):
        accounts_ = super().get_queryset(request)
        return accounts_ if request.user.is_superuser else accounts_.filter(is_superuser=False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            sessions.end_sessions_of(obj)
        accounts.record_account_saved(request, obj, list(form.changed_data), created=not change)

    def get_urls(self):
        own = [
            # The admin's "Reset password" button links here: a temporary password, never a chosen one.
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.reset_password_view),
                name="auth_user_password_change",
            ),
            path("<id>/roles/", self.admin_site.admin_view(self.roles_view), name="auth_user_roles"),
        ]
        return own + [url for url in super().get_urls() if getattr(url, "name", None) != "auth_user_password_change"]

    def _account(self, request, id):
        """The account acted on, for administrators and superusers only (superusers' accounts for superusers)."""
        if not can(request.user, Action.MANAGE_ACCOUNTS):
            raise PermissionDenied
        account = self.get_object(request, unquote(id))
        if account is None:
            raise Http404("No such account.")
        return account

    def _page(self, request, account, template: str, context: dict, status: int = 200) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": account,
            "account": account,
            **context,
        }
        return TemplateResponse(request, template, context, status=status)

    def roles_view(self, request, id):
        """The account's roles, the requests waiting for a second administrator, and what may be done."""
        account = self._account(request, id)
        form = RoleActionForm(request.POST if request.method == "POST" else None)
        error = None
        if request.method == "POST":
            if form.is_valid():
                try:
                    messages.success(request, self._act_on_roles(request, account, form.cleaned_data))
                    return HttpResponseRedirect(request.path, status=303)
                except accounts.AccountRuleError as refused:
                    error = str(refused)
            else:
                error = "Choose what to do."
        held = accounts.roles_of(account)
        pending = list(
            RoleRequest.objects.filter(account=account, status=RoleRequestStatus.PENDING).select_related("requested_by")
        )
        context = {
            "title": f"Roles of {account.get_username()}",
            "held": [role for role in Role if role in held],
            "pending": pending,
            "requestable": [
                role
                for role in Role
                if role not in held and all(r.role != role for r in pending) and not accounts.role_conflict(held, role)
            ],
            "error": error,
            "is_self": account.pk == request.user.pk,
        }
        return self._page(request, account, "admin/auth/user/roles.html", context, status=422 if error else 200)

    @staticmethod
    def _act_on_roles(request, account, data: dict) -> str:
        action, name = data["action"], account.get_username()
        if action == "request":
            role_request = accounts.request_role(request, account, data["role"])
            if role_request is None:
                return f"{name} now holds the role {data['role'].label}."
            return f"Asked for {data['role'].label} for {name}: a second administrator approves it here."
        if action == "remove":
            accounts.remove_role(request, account, data["role"])
            return f"{name} no longer holds the role {data['role'].label}."
        role_request = RoleRequest.objects.filter(account=account, public_id=data["role_request"]).first()
        if role_request is None:
            raise accounts.AccountRuleError("That request is not one for this account.")
        if action == "approve":
            accounts.approve_role(request, role_request)
            return f"{name} now holds the role {role_request.get_role_display()}."
        accounts.refuse_role(request, role_request)
        return f"The request for {role_request.get_role_display()} for {name} is closed."

    @method_decorator(sensitive_post_parameters())
    def reset_password_view(self, request, id):
        """Issue a temporary password and show it once; the user must choose their own at next login."""
        account = self._account(request, id)
        context = {"title": f"Reset the password of {account.get_username()}"}
        try:
            accounts.check_may_reset_password(request.user, account)
        except accounts.AccountRuleError as refused:
            return self._page(
                request, account, "admin/auth/user/reset_password.html", {**context, "refused": refused}, 403
            )
        form = ResetPasswordForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            password = accounts.reset_password(request, account, second_factor=form.cleaned_data["second_factor"])
            context |= {"password": password, "hours": accounts.TEMPORARY_PASSWORD_HOURS}
            return self._page(request, account, "admin/auth/user/reset_password.html", context)
        status = 422 if form.errors else 200
        return self._page(request, account, "admin/auth/user/reset_password.html", {**context, "form": form}, status)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    """Roles (groups): administrators see them; a superuser may change their admin permissions (recorded)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the roles come from migrations, and the permission matrix names them

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        accounts.record_group_saved(request, obj, list(form.changed_data), created=not change)


@admin.register(RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    """Every role request and its decision, for administrators to read; decisions are made on Roles pages."""

    list_display = ("account", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at", "decide")
    list_filter = ("status", "role")
    list_select_related = ("account", "requested_by", "decided_by")
    search_fields = ("account__username",)
    readonly_fields = ("account", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at")

    @admin.display(description="")
    def decide(self, obj) -> str:
        return format_html(
            '<a href="{}">Roles of {}</a>', reverse("admin:auth_user_roles", args=[obj.account_id]), obj.account
        )

    def get_queryset(self, request):
        requests = super().get_queryset(request)
        return requests if request.user.is_superuser else requests.filter(account__is_superuser=False)

    def has_module_permission(self, request) -> bool:
        return can(request.user, Action.MANAGE_ACCOUNTS)

    def has_view_permission(self, request, obj=None) -> bool:
        return can(request.user, Action.MANAGE_ACCOUNTS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
