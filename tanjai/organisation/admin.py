from django.contrib import admin

from tanjai.organisation.models import Branch, Region, Unit
from tanjai.organisation.services import branch_centre_ensure, branch_region_sync


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        branch_centre_ensure(branch=obj)
        if change and "region" in form.changed_data:
            branch_region_sync(branch=obj)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "kind", "branch", "region", "active")
    list_filter = ("kind", "region", "active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("branch", "region")
    raw_id_fields = ("branch",)
