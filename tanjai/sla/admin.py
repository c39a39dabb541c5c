from django.contrib import admin

from tanjai.sla.models import CalendarDay, CalendarSettings, SlaPolicy
from tanjai.sla.services import calendar_cache_clear


class ClearsCalendarCache(admin.ModelAdmin):
    """Deadlines computed after an edit use the new calendar in this process at once
    (other processes within a minute)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_cache_clear()


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "category",
        "subcategory",
        "inform_amount",
        "inform_unit",
        "resolve_amount",
        "resolve_unit",
        "warn_before_minutes",
    )
    list_filter = ("category",)


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(ClearsCalendarCache):
    list_display = ("__str__", "workdays", "use_thai_public_holidays")

    def has_add_permission(self, request):
        return not CalendarSettings.objects.exists()


@admin.register(CalendarDay)
class CalendarDayAdmin(ClearsCalendarCache):
    list_display = ("date", "kind", "name_th", "name_en")
    list_filter = ("kind",)
    date_hierarchy = "date"
