from django.urls import path

from . import views

app_name = "agencies"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("agencies/", views.referrals, name="referrals"),
    path("agencies/services/", views.directory, name="services"),
    path("agencies/services/new/", views.service_add, name="service_add"),
    path("agencies/services/<int:pk>/", views.service_edit, name="service_edit"),
    path("agencies/pupils/<uuid:public_id>/", views.pupil, name="pupil"),
    path("agencies/pupils/<uuid:public_id>/refer/", views.refer, name="refer"),
    path("agencies/referrals/<uuid:public_id>/", views.referral, name="referral"),
    path("agencies/referrals/<uuid:public_id>/status/", views.status, name="status"),
    path("agencies/referrals/<uuid:public_id>/chased/", views.chased, name="chased"),
    path("agencies/referrals/<uuid:public_id>/appointment/", views.appointment, name="appointment"),
    path("agencies/referrals/<uuid:public_id>/report/", views.report, name="report"),
    path("agencies/reports/<uuid:public_id>/document/", views.document, name="document"),
]
