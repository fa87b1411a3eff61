from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "cases.patients"
    label = "patients"
    verbose_name = "Patients and cases"
