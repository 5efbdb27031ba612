from django.urls import path

from . import views

app_name = "exams"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("exams/", views.series_list, name="series_list"),
    path("exams/series/new/", views.series_add, name="series_add"),
    path("exams/series/<uuid:public_id>/", views.series, name="series"),
    path("exams/series/<uuid:public_id>/edit/", views.series_edit, name="series_edit"),
    path(
        "exams/series/<uuid:public_id>/candidates/<uuid:pupil_id>/",
        views.candidate,
        name="candidate",
    ),
    path(
        "exams/series/<uuid:public_id>/candidates/<uuid:pupil_id>/assessment/",
        views.assessment_add,
        name="assessment_add",
    ),
    path("exams/arrangements/<uuid:public_id>/", views.arrangement, name="arrangement"),
    path("exams/assessors/", views.assessors, name="assessors"),
    path("exams/assessors/<uuid:public_id>/", views.assessor_edit, name="assessor_edit"),
    path("exams/office/", views.office, name="office"),
    path("exams/office/csv/", views.office_csv, name="office_csv"),
    path("exams/in-class/", views.in_class, name="in_class"),
]
