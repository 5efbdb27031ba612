from django.urls import path

from . import views

app_name = "lac"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("looked-after/", views.children, name="children"),
    path("looked-after/visibility/", views.visibility, name="visibility"),
    path("looked-after/report/", views.report, name="report"),
    path("looked-after/report/pdf/", views.report_pdf, name="report_pdf"),
    path("looked-after/virtual-schools/", views.virtual_schools, name="virtual_schools"),
    path(
        "looked-after/virtual-schools/<int:pk>/",
        views.virtual_school_edit,
        name="virtual_school_edit",
    ),
    path("looked-after/pupil-premium-plus/<int:pk>/", views.release_plan, name="release_plan"),
    path("looked-after/<uuid:public_id>/", views.child, name="child"),
    path("looked-after/<uuid:public_id>/social-worker/", views.contact, name="contact"),
    path("looked-after/<uuid:public_id>/pupil-premium-plus/", views.release, name="release"),
]
