from django.urls import path

from cases.meetings import follow_up, views

app_name = "meetings"

meeting = "meetings/<uuid:public_id>/"

urlpatterns = [
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_create, name="create"),
    path(meeting, views.meeting_detail, name="detail"),
    path(f"{meeting}edit/", views.meeting_edit, name="edit"),
    path(f"{meeting}status/", views.meeting_status, name="status"),
    path(f"{meeting}close/", views.meeting_close, name="close"),
    path(f"{meeting}standing/", views.standing_members_save, name="standing_members"),
    path(f"{meeting}agenda/", views.agenda_add, name="agenda_add"),
    path(f"{meeting}agenda/search/", views.agenda_search, name="agenda_search"),
    path(f"{meeting}agenda/<uuid:item_id>/move/", views.agenda_move, name="agenda_move"),
    path(f"{meeting}agenda/<uuid:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
    path(f"{meeting}attendance/", views.attendance_add, name="attendance_add"),
    path(f"{meeting}attendance/<uuid:attendance_id>/", views.attendance_update, name="attendance_update"),
    path(f"{meeting}attendance/<uuid:attendance_id>/remove/", views.attendance_remove, name="attendance_remove"),
    path(f"{meeting}present/", views.present_start, name="present"),
    path(f"{meeting}follow/", views.meeting_follow, name="follow"),
    path(f"{meeting}present/<uuid:item_id>/", views.present_item, name="present_item"),
    path(f"{meeting}present/<uuid:item_id>/decision/", views.decision_save, name="decision_save"),
    path("follow-up/", follow_up.worklist, name="follow_up"),
    path("follow-up/treatments/<uuid:decision_id>/<slug:code>/", follow_up.treatment_update, name="treatment_update"),
    path(
        "follow-up/treatments/<uuid:decision_id>/<slug:code>/back/",
        follow_up.treatment_bring_back,
        name="treatment_bring_back",
    ),
    path("follow-up/actions/<uuid:decision_id>/<int:position>/", follow_up.action_done, name="action_done"),
    path("decisions/<uuid:public_id>/", views.decision_detail, name="decision"),
    path("decisions/<uuid:public_id>/sign/", views.decision_sign, name="decision_sign"),
    path("decisions/<uuid:public_id>/amend/", views.decision_amend, name="decision_amend"),
]
