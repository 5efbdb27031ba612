from django.urls import path

from . import views

app_name = "reports"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<uuid:public_id>/", views.report, name="report"),
    path("reports/<uuid:public_id>/words/", views.report_words, name="report_words"),
    path("reports/<uuid:public_id>/review/", views.report_review, name="report_review"),
    path("reports/<uuid:public_id>/publish/", views.report_publish, name="report_publish"),
    path("reports/<uuid:public_id>/email/", views.report_email, name="report_email"),
    path("reports/<uuid:public_id>/print/", views.report_print, name="report_print"),
    path("reports/<uuid:public_id>/pdf/", views.report_pdf, name="report_pdf"),
]
