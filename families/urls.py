"""Families and moves: parents' and pupils' voice by secure link, the portable plan and the
transfer pack for the next school (issue 19). Reads plans and ehcp; nothing below reads it."""

from django.urls import path

from . import views
from .transfer_urls import urlpatterns as transfer_patterns

app_name = "families"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    # Parents' and pupils' voice.
    path("pupils/<uuid:public_id>/voice/", views.pupil_voice, name="pupil_voice"),
    path("pupils/<uuid:public_id>/views/", views.pupil_views, name="pupil_views"),
    path("voice/print/", views.voice_print, name="voice_print"),
    path("views/<uuid:public_id>/accept/", views.views_accept, name="views_accept"),
    # Moving school: leavers, transfer packs, the portable plan.
    *transfer_patterns,
]
