"""Choosing one's own password: after an administrator's reset (a temporary password), or at any time.

Nobody sets another person's password (cases.audit.accounts): this page is the only way a password is
chosen in the app, by the person who will use it. The change and its access log entry are one
transaction (accounts.change_own_password).
"""

from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cases.audit import accounts, sessions
from cases.audit.views import _next_url  # the same safe `next` as the second factor's


class NewPasswordForm(PasswordChangeForm):
    """Django's form (current password, the new one twice, the password validators); the new one must differ."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and new == cleaned.get("old_password"):
            self.add_error("new_password1", "Choose a password different from the current one.")
        return cleaned


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def change_password(request):
    """Ask for the current password and a new one; a temporary password must be replaced here first."""
    temporary = bool(request.session.get(sessions.TEMPORARY_LOGIN))
    form = NewPasswordForm(request.user, request.POST if request.method == "POST" else None)
    if temporary:
        form.fields["old_password"].label = "Temporary password"
    if request.method == "POST" and form.is_valid():
        accounts.change_own_password(request, form.cleaned_data["new_password1"])
        messages.success(request, "Your new password is set.")
        return HttpResponseRedirect(_next_url(request), status=303)
    context = {"form": form, "next": _next_url(request), "temporary": temporary}
    return render(request, "audit/password_change.html", context, status=422 if form.errors else 200)
