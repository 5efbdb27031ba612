from django.urls import path

from . import views

app_name = "training"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("training/", views.people, name="people"),
    path("training/mine/", views.mine, name="mine"),
    path("training/people/new/", views.person_add, name="person_add"),
    path("training/people/<uuid:public_id>/", views.person, name="person"),
    path("training/people/<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("training/people/<uuid:public_id>/record/", views.record, name="record"),
    path("training/people/<uuid:public_id>/supervision/", views.supervision, name="supervision"),
    path("training/records/<uuid:public_id>/certificate/", views.certificate, name="certificate"),
    path("training/gaps/", views.gaps, name="gaps"),
    path("training/gaps/plan/", views.gap_plan, name="gap_plan"),
    path("training/courses/", views.courses, name="courses"),
    path("training/courses/common/", views.common_courses, name="common_courses"),
    path("training/courses/<int:pk>/", views.course_edit, name="course_edit"),
    path("training/sessions/", views.sessions, name="sessions"),
    path("training/sessions/<uuid:public_id>/", views.session, name="session"),
]
