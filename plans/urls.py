from django.urls import path

from . import print_views, views

app_name = "plans"

# Mounted under /s/<school_slug>/ by sendco/urls.py. Support plans (APDR cycles).
urlpatterns = [
    path("plans/", views.plan_list, name="list"),
    path("pupils/<uuid:public_id>/plan/", views.plan_detail, name="plan"),
    path("pupils/<uuid:public_id>/plan/start/", views.plan_start, name="start"),
    path("pupils/<uuid:public_id>/plan/lead/", views.plan_lead, name="lead"),
    path("pupils/<uuid:public_id>/plan/next/", views.cycle_next, name="next"),
    path("pupils/<uuid:public_id>/plan/meetings/new/", views.meeting_new, name="meeting_new"),
    path("plans/cycles/<uuid:public_id>/assess/", views.cycle_assess, name="assess"),
    path("plans/cycles/<uuid:public_id>/plan/", views.cycle_plan, name="plan_section"),
    path("plans/cycles/<uuid:public_id>/advance/", views.cycle_advance, name="advance"),
    path("plans/cycles/<uuid:public_id>/targets/new/", views.target_new, name="target_new"),
    path("plans/cycles/<uuid:public_id>/contribute/", views.contribute, name="contribute"),
    path("plans/cycles/<uuid:public_id>/review/", views.review, name="review"),
    path(
        "plans/cycles/<uuid:public_id>/evidence/from-report/<uuid:report_id>/",
        views.evidence_from_report,
        name="evidence_from_report",
    ),
    path("plans/targets/<uuid:public_id>/", views.target_edit, name="target_edit"),
    path("plans/targets/<uuid:public_id>/remove/", views.target_remove, name="target_remove"),
    # The plan in plain English for parents; the graduated approach evidence (all cycles).
    path("pupils/<uuid:public_id>/plan/print/", print_views.parent_print, name="print"),
    path("pupils/<uuid:public_id>/plan/plan.pdf", print_views.parent_pdf, name="pdf"),
    path("pupils/<uuid:public_id>/plan/evidence/", print_views.evidence_print, name="evidence"),
    path(
        "pupils/<uuid:public_id>/plan/evidence.pdf",
        print_views.evidence_pdf,
        name="evidence_pdf",
    ),
]
