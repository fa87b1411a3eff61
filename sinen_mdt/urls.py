"""URL configuration. Every URL needs login unless its view says otherwise (login, health)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.health import healthz
from cases.meetings import views as meeting_views

admin.site.site_header = "sinen-mdt administration"
admin.site.site_title = "sinen-mdt admin"

urlpatterns = [
    path("", meeting_views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("", include("cases.patients.urls")),
    path("", include("cases.pathways.urls")),
    path("", include("cases.meetings.urls")),
    path("admin/", admin.site.urls),
]
