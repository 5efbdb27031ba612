from django.urls import path

from . import views

app_name = "inforeport_public"

# Mounted under /p/<school_slug>/ by sendco/urls.py: no sign-in (the views are public).
urlpatterns = [
    path("sen-information-report/", views.public, name="report"),
    path("sen-information-report/pdf/", views.public_pdf, name="pdf"),
]
