from django.urls import path

from . import views

app_name = "inforeport"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("sen-information-report/", views.checklist, name="checklist"),
    path("sen-information-report/dates/", views.dates, name="dates"),
    path("sen-information-report/publish/", views.publish, name="publish"),
    path("sen-information-report/items/<slug:code>/", views.item, name="item"),
    path("sen-information-report/items/<slug:code>/accept/", views.accept, name="accept"),
]
