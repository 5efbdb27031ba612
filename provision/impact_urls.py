from django.urls import path

from . import impact_views

app_name = "provision_impact"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("provision/impact/", impact_views.impact, name="impact"),
    path(
        "provision/impact/groups/<uuid:public_id>/",
        impact_views.group_impact,
        name="group_impact",
    ),
    path("provision/deployment/", impact_views.deployment, name="deployment"),
]
