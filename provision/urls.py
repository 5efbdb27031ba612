from django.urls import path

from . import views

app_name = "provision"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("provision/today/", views.today, name="today"),
    path("provision/groups/<uuid:public_id>/", views.group_detail, name="group"),
    path("provision/groups/<uuid:public_id>/log/", views.session_log, name="session_log"),
]
