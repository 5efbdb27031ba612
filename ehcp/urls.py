from django.urls import path

from .views import advice, authorities, consultations, pack, plans, requests, reviews, tracker

app_name = "ehcp"

# Mounted under /s/<school_slug>/ by sendco/urls.py. EHC plans, reviews, requests, authorities.
urlpatterns = [
    path("ehcp/", tracker.tracker, name="tracker"),
    path("ehcp/transfers/", tracker.transfers, name="transfers"),
    path("ehcp/transfers/settings/", tracker.transfer_settings, name="transfer_settings"),
    path("ehcp/authorities/", authorities.authority_list, name="authorities"),
    path("ehcp/authorities/new/", authorities.authority_new, name="authority_new"),
    path("ehcp/authorities/<int:pk>/", authorities.authority_edit, name="authority_edit"),
    path("ehcp/authorities/<int:pk>/contacts/new/", authorities.contact_new, name="contact_new"),
    path("ehcp/requests/", requests.request_list, name="requests"),
    path("ehcp/requests/<uuid:public_id>/", requests.request_detail, name="request"),
    path("ehcp/requests/<uuid:public_id>/edit/", requests.request_edit, name="request_edit"),
    path("ehcp/consultations/", consultations.consultation_list, name="consultations"),
    path("ehcp/consultations/new/", consultations.consultation_new, name="consultation_new"),
    path(
        "ehcp/consultations/<uuid:public_id>/",
        consultations.consultation_detail,
        name="consultation",
    ),
    path(
        "ehcp/consultations/<uuid:public_id>/edit/",
        consultations.consultation_edit,
        name="consultation_edit",
    ),
    path("pupils/<uuid:public_id>/ehcp/", plans.plan_detail, name="plan"),
    path("pupils/<uuid:public_id>/ehcp/new/", plans.plan_new, name="plan_new"),
    path("pupils/<uuid:public_id>/ehcp/edit/", plans.version_edit, name="version_edit"),
    path("pupils/<uuid:public_id>/ehcp/amend/", plans.version_amend, name="amend"),
    path("pupils/<uuid:public_id>/ehcp/end/", plans.plan_end, name="plan_end"),
    path("pupils/<uuid:public_id>/ehcp/post-16-move/", plans.post_16_move, name="post_16_move"),
    path("pupils/<uuid:public_id>/ehcp/outcomes/new/", plans.outcome_new, name="outcome_new"),
    path("pupils/<uuid:public_id>/ehcp/provision/new/", plans.provision_new, name="provision_new"),
    path("pupils/<uuid:public_id>/ehcp/reviews/new/", reviews.review_new, name="review_new"),
    path("pupils/<uuid:public_id>/ehcp/request/new/", requests.request_new, name="request_new"),
    path("ehcp/outcomes/<int:pk>/", plans.outcome_edit, name="outcome_edit"),
    path("ehcp/provision/<int:pk>/", plans.provision_edit, name="provision_edit"),
    path("ehcp/reviews/<uuid:public_id>/", reviews.review_detail, name="review"),
    path("ehcp/reviews/<uuid:public_id>/reschedule/", reviews.review_reschedule, name="reschedule"),
    path("ehcp/reviews/<uuid:public_id>/step/<slug:step>/", reviews.review_step, name="step"),
    path("ehcp/reviews/<uuid:public_id>/mediation/", reviews.review_mediation, name="mediation"),
    path("ehcp/reviews/<uuid:public_id>/advice/new/", advice.advice_request, name="advice_request"),
    path("ehcp/reviews/<uuid:public_id>/my-advice/", advice.advice_submit, name="advice_submit"),
    path(
        "ehcp/reviews/<uuid:public_id>/advice/from-report/<uuid:report_id>/",
        advice.advice_from_report,
        name="advice_from_report",
    ),
    path("ehcp/advice/<uuid:public_id>/", advice.advice_receive, name="advice_receive"),
    path("ehcp/advice/<uuid:public_id>/document/", advice.document, name="document"),
    # The review pack: the print view and the PDF from the same template.
    path("ehcp/reviews/<uuid:public_id>/pack/", pack.pack_print, name="pack"),
    path("ehcp/reviews/<uuid:public_id>/pack.pdf", pack.pack_pdf, name="pack_pdf"),
]
