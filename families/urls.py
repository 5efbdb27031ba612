from django.urls import path

from . import views

app_name = "families"

# Mounted under /s/<school_slug>/ by sendco/urls.py. Parents' and pupils' voice (issue 19).
urlpatterns = [
    path("pupils/<uuid:public_id>/voice/", views.pupil_voice, name="pupil_voice"),
    path("pupils/<uuid:public_id>/views/", views.pupil_views, name="pupil_views"),
    path("voice/print/", views.voice_print, name="voice_print"),
    path("views/<uuid:public_id>/accept/", views.views_accept, name="views_accept"),
]
