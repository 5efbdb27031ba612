from django.urls import path

from . import manage_views as views

app_name = "provision_manage"

# Mounted under /s/<school_slug>/ by sendco/urls.py.
urlpatterns = [
    path("provision/manage/catalogue/", views.catalogue, name="catalogue"),
    path("provision/manage/catalogue/new/", views.intervention_new, name="intervention_new"),
    path(
        "provision/manage/catalogue/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path("provision/manage/costs/", views.costs, name="costs"),
    path("provision/manage/costs/grades/new/", views.rate_new, name="rate_new"),
    path("provision/manage/costs/grades/<int:rate_id>/", views.rate_edit, name="rate_edit"),
    path("provision/manage/costs/contracts/new/", views.contract_new, name="contract_new"),
    path(
        "provision/manage/costs/contracts/<int:contract_id>/",
        views.contract_edit,
        name="contract_edit",
    ),
    path("provision/manage/measures/", views.measures, name="measures"),
    path("provision/manage/measures/new/", views.measure_new, name="measure_new"),
    path("provision/manage/measures/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("provision/manage/groups/", views.groups, name="groups"),
    path("provision/manage/groups/new/", views.group_new, name="group_new"),
    path("provision/manage/groups/<uuid:public_id>/", views.group_edit, name="group_edit"),
    path(
        "provision/manage/groups/<uuid:public_id>/pupils/",
        views.group_pupils,
        name="group_pupils",
    ),
    path(
        "provision/manage/groups/<uuid:public_id>/pupils/<int:place_id>/",
        views.place_edit,
        name="place_edit",
    ),
    path("provision/manage/budget/", views.budget, name="budget"),
]
