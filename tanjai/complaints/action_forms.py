"""The small form of each workflow action on the complaint page, derived from the action's
input model (tanjai.complaints.inputs), so the page and the API accept the same fields; and
the actions a user is offered on a complaint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tanjai.accounts.roles import Role
from tanjai.accounts.scope import Actor
from tanjai.complaints.errors import WorkflowError
from tanjai.complaints.inputs import ACTION_INPUTS
from tanjai.complaints.models import Complaint
from tanjai.complaints.services import action_permitted
from tanjai.complaints.workflow import actions_available
from tanjai.organisation.models import Unit
from tanjai.reference.models import Category, Subcategory
from tanjai.sla.clock import BANGKOK

FIELD_LABELS = {
    "note": _("Note"),
    "assignees": _("Technicians"),
    "team_type": _("Team"),
    "plan": _("Plan told to the customer"),
    "promised_at": _("Promised by"),
    "contact_method": _("How the customer was reached"),
    "late_reason": _("Reason for a date after the SLA deadline"),
    "reason": _("Reason"),
    "result": _("Result of the fix"),
    "customer_reached": _("The customer was reached"),
    "satisfaction": _("Satisfaction (1-5)"),
    "comment": _("The customer's comment"),
    "category": _("Category"),
    "subcategory": _("Subcategory"),
    "of": _("Tracking number of the main complaint"),
    "agency": _("Agency"),
    "unit": _("Responsible unit"),
}
CHOICE_LABELS = {
    "mr_prapa": _("Mr. Prapa"),
    "service_team": _("Service team"),
    "phone": _("Telephone"),
    "sms": _("SMS"),
    "line": _("LINE"),
    "email": _("E-mail"),
    "letter": _("Letter"),
    "in_person": _("In person"),
}
_LONG_TEXT = {"note", "plan", "reason", "result", "comment", "late_reason"}


@dataclass
class FormField:
    name: str
    label: Any
    kind: str  # text, textarea, select, multiselect, datetime, checkbox
    required: bool
    choices: list[tuple[str, Any]] = field(default_factory=list)
    value: Any = None


def _choices_for(
    name: str, *, branch_id: int | None, region_id: int | None
) -> list[tuple[str, Any]] | None:
    if name == "assignees":
        from django.contrib.auth import get_user_model

        technicians = (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__name=Role.TECHNICIAN,
            )
            .filter(Q(staff_profile__branch_id=branch_id))
        )
        return [
            (u.username, u.get_full_name() or u.username) for u in technicians.order_by("username")
        ]
    if name == "unit":
        near = Q(kind="hq_department")
        if branch_id is not None:
            near |= Q(branch_id=branch_id)
        if region_id is not None:
            near |= Q(region_id=region_id, branch__isnull=True)
        units = Unit.objects.filter(near, active=True)
        return [("", _("The branch's Prapa Tanjai centre"))] + [(u.code, u.name) for u in units]
    if name == "category":
        return [(c.code, c.name) for c in Category.objects.filter(active=True)]
    if name == "subcategory":
        return [("", "-")] + [
            (s.code, f"{s.category.name}: {s.name}")
            for s in Subcategory.objects.filter(active=True).select_related("category")
        ]
    return None


def action_fields(
    action: str, complaint: Complaint, data: QueryDict | None = None
) -> list[FormField]:
    return _fields(action, branch_id=complaint.branch_id, region_id=complaint.region_id, data=data)


def bulk_fields(action: str, actor: Actor) -> list[FormField]:
    """The fields of an action taken on many complaints of the actor's scope at once."""
    return _fields(action, branch_id=actor.branch_id, region_id=actor.region_id, data=None)


def _fields(
    action: str, *, branch_id: int | None, region_id: int | None, data: QueryDict | None
) -> list[FormField]:
    schema = ACTION_INPUTS[action].model_json_schema()
    required = set(schema.get("required", []))
    fields = []
    for name, spec in schema["properties"].items():
        options = spec.get("anyOf", [spec])
        types = {o.get("type") for o in options}
        choices = _choices_for(name, branch_id=branch_id, region_id=region_id)
        if name == "assignees":
            kind = "multiselect"
        elif choices is not None:
            kind = "select"
        elif "enum" in spec:
            kind, choices = "select", [(v, CHOICE_LABELS.get(v, v)) for v in spec["enum"]]
        elif "boolean" in types:
            kind = "checkbox"
        elif "integer" in types:
            kind, choices = (
                "select",
                [("", _("Not asked"))] + [(str(n), str(n)) for n in range(5, 0, -1)],
            )
        elif spec.get("format") == "date-time":
            kind = "datetime"
        else:
            kind = "textarea" if name in _LONG_TEXT else "text"
        value = None
        if data is not None:
            value = data.getlist(name) if kind == "multiselect" else data.get(name)
        fields.append(
            FormField(
                name=name,
                label=FIELD_LABELS.get(name, name),
                kind=kind,
                required=name in required,
                choices=choices or [],
                value=value,
            )
        )
    return fields


def action_data(action: str, post: QueryDict) -> dict[str, Any]:
    """The action's input, from a posted form; the input model then validates it."""
    data: dict[str, Any] = {}
    for f in action_fields_names(action):
        name, kind = f
        if kind == "multiselect":
            data[name] = [v for v in post.getlist(name) if v]
        elif kind == "checkbox":
            data[name] = post.get(name) == "on"
        elif kind == "datetime":
            raw = post.get(name, "").strip()
            if raw:
                try:
                    data[name] = datetime.fromisoformat(raw).replace(tzinfo=BANGKOK).isoformat()
                except ValueError:
                    data[name] = raw  # the input model reports it
        else:
            raw = post.get(name, "").strip()
            if raw:
                data[name] = raw
    return data


def action_fields_names(action: str) -> list[tuple[str, str]]:
    schema = ACTION_INPUTS[action].model_json_schema()
    out = []
    for name, spec in schema["properties"].items():
        types = {o.get("type") for o in spec.get("anyOf", [spec])}
        if name == "assignees":
            kind = "multiselect"
        elif "boolean" in types:
            kind = "checkbox"
        elif spec.get("format") == "date-time":
            kind = "datetime"
        else:
            kind = "text"
        out.append((name, kind))
    return out


def error_items(
    error: WorkflowError, labels: Mapping[str, Any] | None = None
) -> list[tuple[Any, str]]:
    """A refusal's field errors as (label, message), the fields named as the form names them."""
    names = {**FIELD_LABELS, "files": _("Files"), "file": _("File"), **(labels or {})}
    return [
        (names.get(field, "" if field == "__all__" else field), message)
        for field, messages in error.errors.items()
        for message in messages
    ]


def actions_offered(
    *, actor: Actor, complaint: Complaint, refused: str = "", data: QueryDict | None = None
) -> list[dict[str, Any]]:
    """The actions the actor may take on the complaint now, each with its form; the one just
    refused comes back open, with what was typed (`data`)."""
    return [
        {
            "code": a.code,
            "label": a.label,
            "fields": action_fields(a.code, complaint, data if a.code == refused else None),
            "open": a.code == refused,
        }
        for a in actions_available(status=complaint.status)
        if action_permitted(actor=actor, action=a.code, complaint=complaint)
    ]
