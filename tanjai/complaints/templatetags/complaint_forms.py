"""What the action forms of the complaint page need beyond Django's own tags."""

from __future__ import annotations

from django import template

from tanjai.complaints.errors import WorkflowError

register = template.Library()


@register.filter
def field_errors(error: object, name: str) -> list[str]:
    """The refusal's messages about one field, to show beside it (none without a refusal:
    an unset template variable arrives as "")."""
    if not isinstance(error, WorkflowError):
        return []
    return list(error.errors.get(name, []))
