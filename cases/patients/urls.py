from django.urls import path

from cases.patients import views

app_name = "patients"

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/import/", views.import_upload, name="import_upload"),
    path("patients/import/<uuid:public_id>/", views.import_detail, name="import_detail"),
    path("patients/<uuid:public_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<uuid:public_id>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<uuid:public_id>/cases/new/", views.case_create, name="case_create"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<uuid:public_id>/edit/", views.case_edit, name="case_edit"),
]
