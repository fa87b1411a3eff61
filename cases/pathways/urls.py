from django.urls import path

from cases.pathways import views

app_name = "pathways"

urlpatterns = [
    path("cases/<uuid:public_id>/pathway/", views.pathway_start, name="start"),
    path("cases/<uuid:public_id>/pathway/<slug:slug>/", views.step_view, name="step"),
    path("cases/<uuid:public_id>/pathway/<slug:slug>/preview/", views.step_preview, name="preview"),
    path("cases/<uuid:public_id>/ready/", views.case_ready, name="ready"),
]
