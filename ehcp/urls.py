from django.urls import path

from . import pack_views, views

app_name = "ehcp"

# Mounted under /s/<school_slug>/ by sendco/urls.py. EHC plans, reviews, requests, authorities.
urlpatterns = [
    path("ehcp/", views.tracker, name="tracker"),
    path("ehcp/authorities/", views.authority_list, name="authorities"),
    path("ehcp/authorities/new/", views.authority_new, name="authority_new"),
    path("ehcp/authorities/<int:pk>/", views.authority_edit, name="authority_edit"),
    path("ehcp/authorities/<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("ehcp/requests/", views.request_list, name="requests"),
    path("ehcp/requests/<uuid:public_id>/", views.request_detail, name="request"),
    path("ehcp/requests/<uuid:public_id>/edit/", views.request_edit, name="request_edit"),
    path("pupils/<uuid:public_id>/ehcp/", views.plan_detail, name="plan"),
    path("pupils/<uuid:public_id>/ehcp/new/", views.plan_new, name="plan_new"),
    path("pupils/<uuid:public_id>/ehcp/edit/", views.version_edit, name="version_edit"),
    path("pupils/<uuid:public_id>/ehcp/amend/", views.version_amend, name="amend"),
    path("pupils/<uuid:public_id>/ehcp/end/", views.plan_end, name="plan_end"),
    path("pupils/<uuid:public_id>/ehcp/outcomes/new/", views.outcome_new, name="outcome_new"),
    path("pupils/<uuid:public_id>/ehcp/provision/new/", views.provision_new, name="provision_new"),
    path("pupils/<uuid:public_id>/ehcp/reviews/new/", views.review_new, name="review_new"),
    path("pupils/<uuid:public_id>/ehcp/request/new/", views.request_new, name="request_new"),
    path("ehcp/outcomes/<int:pk>/", views.outcome_edit, name="outcome_edit"),
    path("ehcp/provision/<int:pk>/", views.provision_edit, name="provision_edit"),
    path("ehcp/reviews/<uuid:public_id>/", views.review_detail, name="review"),
    path("ehcp/reviews/<uuid:public_id>/reschedule/", views.review_reschedule, name="reschedule"),
    path("ehcp/reviews/<uuid:public_id>/step/<slug:step>/", views.review_step, name="step"),
    path("ehcp/reviews/<uuid:public_id>/advice/new/", views.advice_request, name="advice_request"),
    path("ehcp/reviews/<uuid:public_id>/my-advice/", views.advice_submit, name="advice_submit"),
    path("ehcp/advice/<uuid:public_id>/", views.advice_receive, name="advice_receive"),
    path("ehcp/advice/<uuid:public_id>/document/", views.document, name="document"),
    # The review pack: the print view and the PDF from the same template.
    path("ehcp/reviews/<uuid:public_id>/pack/", pack_views.pack_print, name="pack"),
    path("ehcp/reviews/<uuid:public_id>/pack.pdf", pack_views.pack_pdf, name="pack_pdf"),
]
