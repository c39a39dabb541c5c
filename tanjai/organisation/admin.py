from django.contrib import admin

from tanjai.organisation.models import Branch, Region, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("number", "name_th", "name_en", "seat_province_th", "group")
    ordering = ("number",)


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "region", "special", "province_th", "active")
    list_filter = ("region", "special", "active")
    search_fields = ("code", "name_th", "name_en", "province_th")
    list_select_related = ("region",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "kind", "branch", "region", "active")
    list_filter = ("kind", "region", "active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("branch", "region")
    raw_id_fields = ("branch",)
