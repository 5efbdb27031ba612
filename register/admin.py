from django.contrib import admin

from .models import NeedType


@admin.register(NeedType)
class NeedTypeAdmin(admin.ModelAdmin):
    """The census SEN type codes are reference data: correct a code or add a new type here
    (for example the Down syndrome code, unconfirmed in our sources) without a release."""

    list_display = ["code", "name", "broad_area", "only_with_sen_support", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    list_filter = ["broad_area", "active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a type in use must stay; make it inactive instead
