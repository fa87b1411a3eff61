from django.urls import path

from cases.reports import board_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", board_views.board, name="board"),
    path("reports/board-figures.csv", board_views.board_csv, name="board_csv"),
    path("reports/board-report.pdf", board_views.board_pdf, name="board_pdf"),
    path("reports/cases/", board_views.board_cases, name="board_cases"),
    path("cases/<uuid:public_id>/summary.pdf", views.case_summary, name="case_summary"),
    path("decisions/<uuid:public_id>/summary.pdf", views.decision_summary, name="decision_summary"),
    path("decisions/<uuid:public_id>/fhir.json", views.decision_fhir, name="decision_fhir"),
    path("decisions/<uuid:public_id>/letters/<slug:recipient>.pdf", views.decision_letter, name="decision_letter"),
    path("decisions/<uuid:public_id>/letters/<slug:recipient>/sent", views.letter_sent, name="letter_sent"),
    path("meetings/<uuid:public_id>/outcome-pack.pdf", views.meeting_pack, name="meeting_pack"),
    path("records/integrity/", views.record_integrity, name="integrity"),
    path("records/signing-certificate.pem", views.signing_certificate, name="signing_certificate"),
]
