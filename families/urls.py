from django.urls import path

from . import views

app_name = "families"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("pupils/<uuid:public_id>/family-links/", views.links, name="links"),
    path("pupils/<uuid:public_id>/family-links/new/", views.link_create, name="link_create"),
    path("pupils/<uuid:public_id>/family-summaries/new/", views.summary_add, name="summary_add"),
    path("family-links/<uuid:public_id>/", views.link, name="link"),
    path("family-links/<uuid:public_id>/revoke/", views.link_revoke, name="link_revoke"),
    path("family-summaries/<uuid:public_id>/", views.summary, name="summary"),
]
