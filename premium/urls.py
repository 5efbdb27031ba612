from django.urls import path

from . import statement_views, views

app_name = "premium"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("premium/", views.overview, name="overview"),
    path("premium/pupils/", views.pupils, name="pupils"),
    path("premium/pupils/<uuid:public_id>/", views.pupil, name="pupil"),
    path("premium/periods/<int:period_id>/end/", views.period_end, name="period_end"),
    path("premium/statement/", statement_views.statement, name="statement"),
    path("premium/statement/print/", statement_views.statement_print, name="statement_print"),
    path("premium/statement/pdf/", statement_views.statement_pdf, name="statement_pdf"),
    path(
        "premium/statement/<int:year>/edit/", statement_views.statement_edit, name="statement_edit"
    ),
    path(
        "premium/statement/<int:year>/<slug:name>/new/", statement_views.part_new, name="part_new"
    ),
    path("premium/statement/<slug:name>/<int:pk>/", statement_views.part_edit, name="part_edit"),
    path(
        "premium/statement/<slug:name>/<int:pk>/remove/",
        statement_views.part_remove,
        name="part_remove",
    ),
]
