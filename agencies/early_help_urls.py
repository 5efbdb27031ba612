from django.urls import path

from . import early_help_views as views

app_name = "early_help"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("early-help/", views.school_list, name="list"),
    path("early-help/settings/", views.early_help_settings, name="settings"),
    path("early-help/pupil/<uuid:public_id>/", views.pupil, name="pupil"),
    path("early-help/pupil/<uuid:public_id>/start/", views.start, name="start"),
    path("early-help/<uuid:public_id>/change/", views.edit, name="edit"),
    path("early-help/<uuid:public_id>/close/", views.close, name="close"),
]
