from django.contrib import admin

from .models import FundingRate


@admin.register(FundingRate)
class FundingRateAdmin(admin.ModelAdmin):
    list_display = ("financial_year", "category", "amount", "source")
    list_filter = ("financial_year", "category")
