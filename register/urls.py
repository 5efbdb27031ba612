from django.urls import path

from . import class_views, views

app_name = "register"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("register/", views.register_list, name="list"),
    path("pupils/<uuid:public_id>/", views.pupil_detail, name="pupil"),
    path("pupils/<uuid:public_id>/status/", views.status_change, name="status_change"),
    path("pupils/<uuid:public_id>/layer/", views.layer_change, name="layer"),
    path("pupils/<uuid:public_id>/passport/", views.passport, name="passport"),
    path("pupils/<uuid:public_id>/passport/edit/", views.passport_edit, name="passport_edit"),
    path("pupils/<uuid:public_id>/concerns/new/", views.concern_raise, name="concern_raise"),
    path("concerns/", views.concern_list, name="concerns"),
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/<uuid:public_id>/", views.concern_decide, name="concern_decide"),
    path("classes/", class_views.class_list, name="classes"),
    path("classes/new/", class_views.class_create, name="class_create"),
    path("classes/<int:group_id>/", class_views.class_edit, name="class_edit"),
]
