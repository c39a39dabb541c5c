"""/api/v1/complaints: thin views over intake.services, complaints.services and selectors."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, WithJsonSchema, create_model
from pydantic.json_schema import GetJsonSchemaHandler, JsonSchemaValue
from pydantic_core import CoreSchema

from tanjai.accounts.services import personal_data_access_log
from tanjai.complaints.attachments import attachment_add, attachment_neutral_name
from tanjai.complaints.errors import InvalidInput, NotFound
from tanjai.complaints.filters import ComplaintFilters, api_parameters
from tanjai.complaints.inputs import ACTION_INPUTS
from tanjai.complaints.models import Complaint
from tanjai.complaints.schemas import (
    AttachmentOut,
    ComplaintDetailOut,
    ComplaintPageOut,
    OutOfScopeOut,
)
from tanjai.complaints.selectors import complaint_get, complaint_list, identity_visible
from tanjai.complaints.services import complaint_act, complaint_lookup
from tanjai.complaints.workflow import ACTIONS
from tanjai.core.api import ErrorOut, request_actor
from tanjai.core.text import mask_personal_text
from tanjai.intake.services import complaint_register
from tanjai.sla.services import sla_status

router = Router(tags=["complaints"])


class CustomerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    phone: str = ""
    alt_phone: str = ""
    email: str = ""
    line_user_id: str = ""
    account_no: str = ""


class LocationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    address: str = ""
    province: str = ""
    district: str = ""
    lat: float | None = None
    lon: float | None = None


class ComplaintIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: str
    category: str
    subcategory: str | None = None
    description: str
    branch: str | None = None
    customer: CustomerIn | None = None
    location: LocationIn | None = None
    anonymous: bool = False
    priority: int = 2
    received_at: datetime | None = None
    external_ref: str = ""


def _sla(complaint: Complaint) -> dict[str, Any]:
    return sla_status(complaint)


def complaint_summary(c: Complaint, *, masked: bool) -> dict[str, Any]:
    """The list's view of a complaint; `masked` hides phone and house numbers in the text
    from those who may not see the complainant."""
    return {
        "tracking_no": c.tracking_no,
        "status": c.status,
        "channel": c.channel.code,
        "category": c.category.code,
        "subcategory": c.subcategory.code if c.subcategory else None,
        "priority": c.priority,
        "branch": c.branch.code,
        "region": c.region.number,
        "description": mask_personal_text(c.description, names=[c.customer_name])
        if masked
        else c.description,
        "received_at": c.received_at,
        "inform_due_at": c.inform_due_at,
        "resolve_due_at": c.resolve_due_at,
        "sla": _sla(c),
        "reopen_count": c.reopen_count,
        "version": c.version,
    }


# What an event records that names the customer: a file's own name (attach).
HIDDEN_EVENT_KEYS = frozenset({"name"})


def complaint_detail(request: HttpRequest, c: Complaint) -> dict[str, Any]:
    actor = request_actor(request)
    sees_identity = identity_visible(actor=actor, complaint=c)
    body = complaint_summary(c, masked=not sees_identity)
    body.update(
        {
            "unit": c.unit.code if c.unit else None,
            "forwarded_at": c.forwarded_at,
            "dispatched_at": c.dispatched_at,
            "informed_at": c.informed_at,
            "promised_at": c.promised_at,
            "fixed_at": c.fixed_at,
            "verified_at": c.verified_at,
            "closed_at": c.closed_at,
            "ended_at": c.ended_at,
            "customer_reached": c.customer_reached,
            "satisfaction": c.satisfaction,
            "duplicate_of": c.duplicate_of.tracking_no if c.duplicate_of_id else None,  # type: ignore[union-attr]
            "external_ref": c.external_ref,
            # The house address and the pin identify a person as much as a name does.
            "location": {"province": c.province, "district": c.district},
            "anonymous": c.anonymous,
            "customer": None,
            "events": [
                {
                    "at": e.at,
                    "action": e.action,
                    "actor": e.actor_label,
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "note": e.note,
                    "data": e.data,
                }
                for e in c.events.all()
            ],
            "attachments": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    # The name a file was sent with may carry the complainant's name or
                    # phone number: only for those who may see who the customer is.
                    "name": a.original_name if sees_identity else attachment_neutral_name(a),
                    "content_type": a.content_type,
                    "size": a.size,
                }
                for a in c.attachments.all()
            ],
        }
    )
    if sees_identity:
        body["location"].update({"address": c.address, "lat": c.lat, "lon": c.lon})
        if actor.user_id is not None:
            personal_data_access_log(user_id=actor.user_id, complaint_id=c.pk, via="api")
    else:
        # Free text often carries phone and house numbers: masked for those who may not
        # see the complainant, in the notes and in what actions recorded (a plan, a reason).
        for event in body["events"]:
            event["note"] = mask_personal_text(event["note"], names=[c.customer_name])
            event["data"] = {
                k: mask_personal_text(v, names=[c.customer_name]) if isinstance(v, str) else v
                for k, v in event["data"].items()
                if k not in HIDDEN_EVENT_KEYS
            }
    if not c.anonymous and sees_identity:
        body["customer"] = {
            "name": c.customer_name,
            "phone": c.customer_phone,
            "alt_phone": c.customer_phone_alt,
            "email": c.customer_email,
            "line_user_id": c.customer_line_user_id,
            "account_no": c.customer_account_no,
        }
    elif not c.anonymous:
        body["customer"] = "hidden"
    return body


def _reload(request: HttpRequest, tracking_no: str) -> Complaint:
    complaint = complaint_get(actor=request_actor(request), tracking_no=tracking_no)
    if complaint is None:
        raise NotFound(f"no complaint {tracking_no}")
    return complaint


@router.post(
    "",
    response={
        200: ComplaintDetailOut,
        201: ComplaintDetailOut,
        400: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
    },
)
def complaints_create(request: HttpRequest, payload: ComplaintIn):
    """Register a complaint (step 1). Send an Idempotency-Key header to make retries safe:
    the same key returns the complaint created the first time (200) instead of a new one."""
    complaint, created = complaint_register(
        actor=request_actor(request),
        data=payload.model_dump(exclude_unset=True),
        intake_key=request.headers.get("Idempotency-Key", "")[:100],
    )
    return Status(
        201 if created else 200, complaint_detail(request, _reload(request, complaint.tracking_no))
    )


# The list's query parameters: its filters (complaints/filters.py), then order and page.
class ListFilters(create_model("Filters", __base__=Schema, **api_parameters())):  # type: ignore[misc]
    ordering: str = "-received_at"
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


_ORDERINGS = {"received_at", "-received_at", "resolve_due_at", "-resolve_due_at", "inform_due_at"}


@router.get("", response={200: ComplaintPageOut, 400: ErrorOut})
def complaints_list(request: HttpRequest, filters: Query[ListFilters]):
    """Complaints in the caller's scope, newest first (or ?ordering=resolve_due_at).

    `status` takes a comma-separated list; `q` finds Thai words inside sentences."""
    if filters.ordering not in _ORDERINGS:
        raise InvalidInput("bad ordering", errors={"ordering": [f"one of {sorted(_ORDERINGS)}"]})
    actor = request_actor(request)
    qs = complaint_list(actor=actor, filters=ComplaintFilters.from_api(filters)).order_by(
        filters.ordering, "id"
    )
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size + 1])
    has_next = len(rows) > filters.page_size
    return {
        "items": [
            complaint_summary(c, masked=not identity_visible(actor=actor, complaint=c))
            for c in rows[: filters.page_size]
        ],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": has_next,
        # Past the first page without a next one, the count follows from the rows seen.
        "count": start + len(rows) if rows and not has_next else qs.count(),
    }


@router.get("/{tracking_no}", response={200: ComplaintDetailOut, 404: ErrorOut})
def complaints_get(request: HttpRequest, tracking_no: str):
    """One complaint with its SLA, milestones and event log. 404 both for a number that does
    not exist and for one outside the caller's scope."""
    return complaint_detail(request, _reload(request, complaint_lookup(tracking_no)))


def _action_body(code: str) -> type[BaseModel]:
    """The body of one action as the API takes it: the action's input model, and `version`."""
    action = ACTIONS[code]
    who = ", ".join(f"`{r}`" for r in sorted(action.roles))
    if action.own_work_order_roles:
        who += ", " + ", ".join(f"`{r}`" for r in sorted(action.own_work_order_roles))
        who += " (on their own work order)"
    doc = (
        f"The body of `{code}`"
        + (f" (step {action.step})" if action.step else "")
        + ": allowed when the complaint is "
        + " or ".join(f"`{s}`" for s in sorted(action.from_states))
        + (f", which becomes `{action.to_state}`" if action.to_state else ", which stays so")
        + f"; by {who} and administrators."
    )
    return create_model(
        "".join(part.capitalize() for part in code.split("_")) + "Body",
        __base__=ACTION_INPUTS[code],
        __doc__=doc,
        version=(
            int | None,
            Field(
                None,
                description="The complaint's version as you last read it: refused with 409 "
                "if someone changed it since (the If-Match header does the same)",
            ),
        ),
    )


ACTION_BODIES: dict[str, type[BaseModel]] = {code: _action_body(code) for code in ACTION_INPUTS}
_ANY_ACTION_BODY: TypeAdapter[Any] = TypeAdapter(reduce(operator.or_, ACTION_BODIES.values()))


class _DocumentedAsActionBodies:
    """The action endpoint's body, documented as the body of one of the actions. At run
    time the action's own input model checks it in complaint_act, as for the staff page,
    so a refusal reads the same from either (and the body stays as clients send it)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(_ANY_ACTION_BODY.core_schema)
        schema["title"] = "ActionBody"
        schema["description"] = "The fields of the action named in the path: " + ", ".join(
            f"`{code}` {model.__name__}" for code, model in ACTION_BODIES.items()
        )
        return schema


# The body is optional (verify and resume need none).
ACTION_BODY_PARAM = Body(None)
ActionCode = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(ACTIONS),
            "description": "The workflow action; its body is the schema of the same name "
            "(`inform_customer`: InformCustomerBody)",
        }
    ),
]


@router.post(
    "/{tracking_no}/actions/{action}",
    response={
        200: ComplaintDetailOut | OutOfScopeOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
)
def complaints_act(
    request: HttpRequest,
    tracking_no: str,
    action: Path[ActionCode],
    payload: Annotated[dict[str, Any] | None, _DocumentedAsActionBodies()] = ACTION_BODY_PARAM,
):
    """Take a workflow action. The body holds the action's fields (`DispatchBody` for
    `dispatch`, and so on). Send `If-Match: <version>` (or "version" in the body) to be
    refused with 409 if someone else changed the complaint since you read it. 403: the
    role or scope does not allow the action; 409: not in this state, or changed since."""
    if action not in ACTIONS:
        message = _("Unknown action %(action)s; one of: %(actions)s.") % {
            "action": repr(action),
            "actions": ", ".join(ACTIONS),
        }
        raise InvalidInput(message, errors={"action": [message]})
    data = dict(payload or {})
    version = (
        data.pop("version")
        if "version" in data
        else request.headers.get("If-Match", "").strip('"') or None
    )
    try:
        expected = int(version) if version is not None else None
    except (TypeError, ValueError):
        raise InvalidInput("bad version", errors={"version": ["an integer"]}) from None
    complaint = complaint_act(
        tracking_no=tracking_no,
        actor=request_actor(request),
        action=action,
        data=data,
        expected_version=expected,
    )
    visible = complaint_get(actor=request_actor(request), tracking_no=complaint.tracking_no)
    if visible is None:
        # Forwarded out of the caller's scope (to another branch or region): the action
        # took effect, but what follows is no longer theirs to see.
        return {
            "tracking_no": complaint.tracking_no,
            "status": complaint.status,
            "branch": complaint.branch.code,
            "version": complaint.version,
            "out_of_scope": True,
        }
    return complaint_detail(request, visible)


@router.post(
    "/{tracking_no}/attachments",
    response={201: AttachmentOut, 200: AttachmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def attachments_create(
    request: HttpRequest, tracking_no: str, file: File[UploadedFile], kind: Form[str] = "document"
):
    """Attach a photo (JPEG, PNG, WebP) or a document (PDF); the type is read from the
    content. Uploading the same file twice stores it once."""

    actor = request_actor(request)
    number = complaint_lookup(tracking_no)
    attachment, created = attachment_add(
        actor=actor, tracking_no=number, upload=file, kind=kind, now=timezone.now()
    )
    body = {
        "id": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }
    return Status(201 if created else 200, body)
