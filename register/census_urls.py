from django.urls import path

from . import census_views

app_name = "census"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("census/", census_views.census, name="census"),
    path("census/export/", census_views.export, name="export"),
]
