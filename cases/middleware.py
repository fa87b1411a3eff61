"""Project-wide middleware."""

from urllib.parse import urlsplit

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, made safe for htmx.

    A fragment request whose session expired must not get the login page swapped into a panel:
    it gets an `HX-Redirect` to the login page instead, with `next` pointing at the page the user
    was on (not the fragment URL), so they land back where they were after logging in.
    """

    def handle_no_permission(self, request, view_func):
        if not getattr(request, "htmx", False):
            return super().handle_no_permission(request, view_func)
        next_path = request.get_full_path()
        current = request.htmx.current_url
        if current:
            parts = urlsplit(current)
            # Only a same-host page is a safe place to return to.
            if parts.netloc in {"", request.get_host()}:
                next_path = parts.path + (f"?{parts.query}" if parts.query else "")
        login = redirect_to_login(
            next_path, resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )
        response = HttpResponse(status=401)
        response["HX-Redirect"] = login["Location"]
        return response
