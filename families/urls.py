"""Families and moves: parents' and pupils' voice by secure link, the portable plan and the
transfer pack for the next school (issue 19). Reads plans and ehcp; nothing below reads it."""

from django.urls import path

from . import link_views, views
from .transfer_urls import urlpatterns as transfer_patterns

app_name = "families"

# Mounted under /s/<school_slug>/ by sendco/urls.py; the parents' own pages are public_urls.py.
urlpatterns = [
    # Parents' views by secure link: the school's side.
    path("pupils/<uuid:public_id>/family-links/", link_views.links, name="links"),
    path("pupils/<uuid:public_id>/family-links/new/", link_views.link_create, name="link_create"),
    path(
        "pupils/<uuid:public_id>/family-summaries/new/",
        link_views.summary_add,
        name="summary_add",
    ),
    path("family-links/<uuid:public_id>/", link_views.link, name="link"),
    path("family-links/<uuid:public_id>/revoke/", link_views.link_revoke, name="link_revoke"),
    path("family-summaries/<uuid:public_id>/", link_views.summary, name="summary"),
    path(
        "family-summaries/<uuid:public_id>/remove/",
        link_views.summary_remove,
        name="summary_remove",
    ),
    # The pupil's voice, and views given on the plan.
    path("pupils/<uuid:public_id>/voice/", views.pupil_voice, name="pupil_voice"),
    path("pupils/<uuid:public_id>/views/", views.pupil_views, name="pupil_views"),
    path("voice/print/", views.voice_print, name="voice_print"),
    path("views/<uuid:public_id>/accept/", views.views_accept, name="views_accept"),
    # Moving school: leavers, transfer packs, the portable plan.
    *transfer_patterns,
]
