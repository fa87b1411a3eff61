from django.urls import path

from cases.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/<uuid:public_id>/", views.job_detail, name="detail"),
    path("jobs/<uuid:public_id>/download", views.job_download, name="download"),
]
