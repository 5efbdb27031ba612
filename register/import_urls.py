from django.urls import path

from . import import_views as views

app_name = "mis_import"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("import/", views.upload, name="upload"),
    path("import/apply/", views.apply, name="apply"),
]
