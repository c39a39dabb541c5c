from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.models import LoginFailure, PersonalDataAccess, StaffProfile
from tanjai.accounts.services import sign_in_unlock, tokens_revoke

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
    actions = ["revoke_api_tokens", "unlock_sign_in"]

    @admin.display(description="scope")
    def scope(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return str(profile) if profile else "-"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.is_active:
            # Deactivated: no token is left that would work again on reactivation.
            tokens_revoke(user=obj)

    @admin.action(description=_("Revoke their API tokens"))
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(tokens_revoke(user=user) for user in queryset)
        self.message_user(
            request, _("API tokens revoked: %(count)d") % {"count": revoked}, messages.SUCCESS
        )

    @admin.action(description=_("Unlock their sign-in"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            sign_in_unlock(username=user.username)
        names = ", ".join(user.username for user in queryset)
        self.message_user(request, _("Sign-in unlocked: %(names)s") % {"names": names})


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Recent failed sign-ins, to see who is locked out from where; deleting them unlocks."""

    list_display = ("at", "username", "address")
    search_fields = ("username", "address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
