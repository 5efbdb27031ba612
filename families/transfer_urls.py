"""Moving school: leavers, transfer packs and the portable plan (under /s/<school>/moving/)."""

from django.urls import path

from . import transfer_views as views

urlpatterns = [
    path("moving/leavers/", views.leavers, name="leavers"),
    path("moving/pupil/<uuid:public_id>/", views.transfer, name="transfer"),
    path("moving/pupil/<uuid:public_id>/left/", views.leaver, name="leaver"),
    path("moving/pupil/<uuid:public_id>/pack/", views.pack_make, name="pack_make"),
    path("moving/pack/<uuid:public_id>.pdf", views.pack_pdf, name="pack_pdf"),
    path("moving/pack/<uuid:public_id>.json", views.pack_json, name="pack_json"),
    path("moving/import/", views.import_upload, name="import_upload"),
    path("moving/import/confirm/", views.import_confirm, name="import_confirm"),
]
