from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from tanjai.accounts.models import PersonalDataAccess, StaffProfile

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ("scope_level", "region", "branch", "phone")
    raw_id_fields = ("branch",)


class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "scope")
    list_filter = ("groups", "is_active", "staff_profile__scope_level", "staff_profile__region")

    @admin.display(description="scope")
    def scope(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return str(profile) if profile else "-"


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the PDPA trail of who saw whose personal data."""

    list_display = ("at", "user", "complaint", "via", "purpose")
    list_filter = ("via",)
    search_fields = ("user__username", "complaint__tracking_no")
    date_hierarchy = "at"
    list_select_related = ("user", "complaint")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
