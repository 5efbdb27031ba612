from django.urls import path

from . import views

app_name = "premium"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("premium/", views.overview, name="overview"),
    path("premium/pupils/", views.pupils, name="pupils"),
    path("premium/pupils/<uuid:public_id>/", views.pupil, name="pupil"),
    path("premium/periods/<int:period_id>/end/", views.period_end, name="period_end"),
]
