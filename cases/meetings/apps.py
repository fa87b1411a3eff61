from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cases.meetings"
    label = "meetings"
    verbose_name = "Meetings"
