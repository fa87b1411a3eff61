"""URL configuration. Every URL needs login unless its view says otherwise (login, health)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.audit import passwords
from cases.audit import views as audit_views
from cases.health import healthz, ping
from cases.meetings import views as meeting_views

admin.site.site_header = "sinen-mdt administration"
admin.site.site_title = "sinen-mdt admin"

urlpatterns = [
    path("", meeting_views.dashboard, name="dashboard"),
    path("accounts/login/", audit_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", passwords.change_password, name="password_change"),
    path("accounts/second-factor/", audit_views.second_factor, name="second_factor"),
    path("accounts/second-factor/setup/", audit_views.second_factor_setup, name="second_factor_setup"),
    path("healthz", healthz, name="healthz"),
    path("ping/", ping, name="ping"),
    path("", include("cases.patients.urls")),
    path("", include("cases.pathways.urls")),
    path("", include("cases.meetings.urls")),
    path("", include("cases.audit.urls")),
    path("", include("cases.reports.urls")),
    path("", include("cases.jobs.urls")),
    path("admin/", admin.site.urls),
]
