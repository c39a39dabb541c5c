from django.contrib import admin

from tanjai.reference.models import Category, Channel, Subcategory
from tanjai.sla.models import SlaPolicy


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "order", "active")
    list_editable = ("order", "active")


class SubcategoryInline(admin.TabularInline):
    model = Subcategory
    extra = 0
    fields = ("code", "name_th", "name_en", "order", "active")


class SlaPolicyInline(admin.TabularInline):
    model = SlaPolicy
    extra = 0
    fields = (
        "subcategory",
        "inform_amount",
        "inform_unit",
        "resolve_amount",
        "resolve_unit",
        "warn_before_minutes",
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "order", "restricted_identity", "active")
    inlines = [SubcategoryInline, SlaPolicyInline]


@admin.register(Subcategory)
class SubcategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "category", "active")
    list_filter = ("category", "active")
    search_fields = ("code", "name_th", "name_en")
