from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cases.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
