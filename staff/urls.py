from django.urls import path

from . import views

app_name = "staff"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("staff/", views.staff_list, name="list"),
    path("staff/invite/", views.staff_invite, name="invite"),
    path("staff/<uuid:public_id>/", views.staff_member, name="member"),
    path("staff/<uuid:public_id>/duties/", views.staff_duties, name="duties"),
    path("staff/<uuid:public_id>/deactivate/", views.staff_deactivate, name="deactivate"),
    path("staff/<uuid:public_id>/mfa-reset/", views.staff_mfa_reset, name="mfa_reset"),
    path("audit/", views.audit_log, name="audit"),
]
