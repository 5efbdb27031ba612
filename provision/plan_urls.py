from django.urls import path

from . import plan_print_views, plan_views

app_name = "plans"

# Mounted under /s/<school_slug>/ by sendco/urls.py. Support plans (APDR cycles).
urlpatterns = [
    path("plans/", plan_views.plan_list, name="list"),
    path("pupils/<uuid:public_id>/plan/", plan_views.plan_detail, name="plan"),
    path("pupils/<uuid:public_id>/plan/start/", plan_views.plan_start, name="start"),
    path("pupils/<uuid:public_id>/plan/lead/", plan_views.plan_lead, name="lead"),
    path("pupils/<uuid:public_id>/plan/next/", plan_views.cycle_next, name="next"),
    path("pupils/<uuid:public_id>/plan/meetings/new/", plan_views.meeting_new, name="meeting_new"),
    path("plans/cycles/<uuid:public_id>/assess/", plan_views.cycle_assess, name="assess"),
    path("plans/cycles/<uuid:public_id>/plan/", plan_views.cycle_plan, name="plan_section"),
    path("plans/cycles/<uuid:public_id>/advance/", plan_views.cycle_advance, name="advance"),
    path("plans/cycles/<uuid:public_id>/targets/new/", plan_views.target_new, name="target_new"),
    path("plans/cycles/<uuid:public_id>/contribute/", plan_views.contribute, name="contribute"),
    path("plans/cycles/<uuid:public_id>/review/", plan_views.review, name="review"),
    path("plans/targets/<uuid:public_id>/", plan_views.target_edit, name="target_edit"),
    path("plans/targets/<uuid:public_id>/remove/", plan_views.target_remove, name="target_remove"),
    # The plan in plain English for parents; the graduated approach evidence (all cycles).
    path("pupils/<uuid:public_id>/plan/print/", plan_print_views.parent_print, name="print"),
    path("pupils/<uuid:public_id>/plan/plan.pdf", plan_print_views.parent_pdf, name="pdf"),
    path(
        "pupils/<uuid:public_id>/plan/evidence/", plan_print_views.evidence_print, name="evidence"
    ),
    path(
        "pupils/<uuid:public_id>/plan/evidence.pdf",
        plan_print_views.evidence_pdf,
        name="evidence_pdf",
    ),
]
