"""Evidence for access arrangements (under /s/<school>/exams/): the candidates of a series,
a candidate's evidence trail and Form 8 part 1, asking teachers, and a teacher's own requests."""

from django.urls import path

from . import evidence_views as views

app_name = "exam_evidence"

urlpatterns = [
    path("exams/evidence/", views.candidates, name="candidates"),
    path("exams/evidence/<uuid:series_id>/<uuid:public_id>/", views.trail, name="trail"),
    path("exams/evidence/<uuid:series_id>/<uuid:public_id>/ask/", views.ask, name="ask"),
    path(
        "exams/evidence/<uuid:series_id>/<uuid:public_id>/form8-part1.pdf",
        views.form8_pdf,
        name="form8_pdf",
    ),
    path("exams/evidence/request/<uuid:public_id>/again/", views.ask_again, name="ask_again"),
    path("exams/asked-of-me/", views.asked_of_me, name="asked_of_me"),
    path("exams/asked-of-me/<uuid:public_id>/", views.answer, name="answer"),
]
