"""The admin edits the rules (retention periods, request deadlines: one row per kind) and
reads the retention runs. The requests themselves are not here: they say who a person is
and what they asked, and only the data protection officer handles them (/staff/privacy/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tanjai.privacy.models import RequestDeadline, RetentionRule, RetentionRun


class OneRowPerKind(admin.ModelAdmin):
    """Rows are seeded, one per kind: edited, never added or deleted."""

    readonly_fields = ["kind"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(OneRowPerKind):
    list_display = ["kind", "days", "note"]
    fields = ["kind", "days", "note"]


@admin.register(RequestDeadline)
class RequestDeadlineAdmin(OneRowPerKind):
    list_display = ["kind", "days"]
    fields = ["kind", "days"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["at", "counts"]
    readonly_fields = ["at", "counts"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
