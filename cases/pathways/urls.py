from django.urls import path

from cases.pathways import impact_views, views

app_name = "pathways"

urlpatterns = [
    path("cases/<uuid:public_id>/pathway/", views.pathway_start, name="start"),
    path("cases/<uuid:public_id>/pathway/<slug:slug>/", views.step_view, name="step"),
    path("cases/<uuid:public_id>/pathway/<slug:slug>/preview/", views.step_preview, name="preview"),
    # Guideline versions are content, not patient data: named by their admin number.
    path("guidelines/<int:pk>/impact/", impact_views.impact, name="impact"),
    path("guidelines/<int:pk>/impact.json", impact_views.impact_json, name="impact_json"),
    path("guidelines/<int:pk>/impact/cases/", impact_views.impact_cases, name="impact_cases"),
    path("cases/<uuid:public_id>/ready/", views.case_ready, name="ready"),
]
