from django.urls import path

from cases.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/access-log/", views.access_log, name="access_log"),
    path("audit/access-log.csv", views.access_log_export, name="access_log_export"),
    path("audit/users/", views.users, name="users"),
    path("audit/users/<int:pk>/end-sessions/", views.end_sessions, name="end_sessions"),
    path("audit/users/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("audit/users/<int:pk>/reset-second-factor/", views.reset_second_factor, name="reset_second_factor"),
]
