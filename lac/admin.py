from django.contrib import admin

from .models import FixedPepDate, LacContact, Pep, VirtualSchool


class FixedPepDateInline(admin.TabularInline):
    model = FixedPepDate
    extra = 0


@admin.register(VirtualSchool)
class VirtualSchoolAdmin(admin.ModelAdmin):
    list_display = ("la_name", "school", "pep_timing", "initial_pep_working_days")
    list_filter = ("pep_timing",)
    inlines = [FixedPepDateInline]


@admin.register(Pep)
class PepAdmin(admin.ModelAdmin):
    list_display = ("pupil", "school", "kind", "held_on")
    list_filter = ("kind",)
    raw_id_fields = ("pupil",)


@admin.register(LacContact)
class LacContactAdmin(admin.ModelAdmin):
    list_display = ("pupil", "school", "social_worker_name")
    raw_id_fields = ("pupil",)
