from django.urls import path

from . import map_views

app_name = "provision_map"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("provision/map/", map_views.map_page, name="map"),
    path("provision/map/print/", map_views.map_print, name="map_print"),
    path("provision/map/pdf/", map_views.map_pdf, name="map_pdf"),
    path(
        "provision/pupils/<uuid:public_id>/",
        map_views.pupil_provision,
        name="pupil_provision",
    ),
    path(
        "provision/pupils/<uuid:public_id>/items/new/",
        map_views.item_new,
        name="item_new",
    ),
    path(
        "provision/pupils/<uuid:public_id>/items/<uuid:item_id>/",
        map_views.item_edit,
        name="item_edit",
    ),
]
