from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "cases.pathways"
    label = "pathways"
    verbose_name = "Diagnostic pathway"
