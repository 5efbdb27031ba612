from django.urls import path

from . import public_views

app_name = "families_public"

# Mounted under /f/ by sendco/urls.py: no sign-in (a parent's code and the child's date of birth
# open these pages; see public_views).
urlpatterns = [
    path("", public_views.start, name="start"),
    path("<str:code>/", public_views.link, name="link"),
    path("<str:code>/plan/", public_views.plan, name="plan"),
    path("<str:code>/summaries/<uuid:public_id>/", public_views.summary, name="summary"),
]
