from django.contrib import admin

from .models import InfoReport, PublishedReport


@admin.register(InfoReport)
class InfoReportAdmin(admin.ModelAdmin):
    list_display = ("school", "send_policy_review_on", "accessibility_plan_review_on")


@admin.register(PublishedReport)
class PublishedReportAdmin(admin.ModelAdmin):
    list_display = ("school", "number", "published_on")
    readonly_fields = ("items",)
