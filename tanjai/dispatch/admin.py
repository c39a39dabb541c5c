from django.contrib import admin

from tanjai.dispatch.models import ServiceTeam


@admin.register(ServiceTeam)
class ServiceTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "branch", "team_type", "active")
    list_filter = ("team_type", "active")
    filter_horizontal = ("members",)
    raw_id_fields = ("branch",)
