from django.urls import path

from . import calendar_views as views

app_name = "calendar"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("terms/new-year/", views.year_create, name="year_create"),
    path("terms/<int:term_id>/", views.term_edit, name="term_edit"),
    path("terms/closures/", views.closure_add, name="closure_add"),
    path("terms/closures/<int:closure_id>/delete/", views.closure_delete, name="closure_delete"),
]
