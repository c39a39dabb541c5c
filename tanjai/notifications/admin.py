from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tanjai.notifications.customer import notice_render
from tanjai.notifications.models import LocalSms, NoticeTemplate

SAMPLE = {
    "tracking_no": "69-0001234-7",
    "category": "ท่อแตกรั่ว",
    "plan": "ช่างจะเข้าซ่อมภายในวันนี้",
    "promised_at": "25 พ.ย. 2569 16:00",
    "track_url": "https://example.org/track",
    "survey_url": "https://example.org/survey/x/",
}


class NoticeTemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["event", "channel", "subject", "body", "active"]

    def clean(self) -> dict:
        data = super().clean() or {}
        _subject, body = notice_render(data.get("subject", ""), data.get("body", ""), SAMPLE)
        if not body:
            raise forms.ValidationError(
                _("The text does not work as a template (or is empty); check the {{ }} and {% %}.")
            )
        return data


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    form = NoticeTemplateForm
    list_display = ["event", "channel", "subject", "active"]
    list_filter = ["event", "channel", "active"]


@admin.register(LocalSms)
class LocalSmsAdmin(admin.ModelAdmin):
    """The local outbox, read-only: what customers would have received by SMS."""

    list_display = ["stored_at", "to", "text"]
    search_fields = ["to", "text"]
    readonly_fields = ["notification", "to", "text", "stored_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
