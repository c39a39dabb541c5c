"""The API's output shapes, so that the OpenAPI document describes every field."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema

SlaState = Literal["met", "breached", "open_on_time", "open_overdue", "not_applicable"]


class SlaTargetOut(Schema):
    due_at: datetime | None
    state: SlaState


class SlaOut(Schema):
    inform: SlaTargetOut
    resolve: SlaTargetOut


class ComplaintSummaryOut(Schema):
    tracking_no: str
    status: str
    channel: str
    category: str
    subcategory: str | None
    priority: int
    branch: str
    region: int
    description: str
    received_at: datetime
    inform_due_at: datetime | None
    resolve_due_at: datetime | None
    sla: SlaOut
    reopen_count: int
    version: int


class LocationOut(Schema):
    province: str
    district: str
    # Personal data: present only for those who may see the complainant.
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


class CustomerOut(Schema):
    name: str
    phone: str
    alt_phone: str
    email: str
    line_user_id: str
    account_no: str


class EventOut(Schema):
    at: datetime
    action: str
    actor: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int


class ComplaintDetailOut(ComplaintSummaryOut):
    unit: str | None
    forwarded_at: datetime | None
    dispatched_at: datetime | None
    informed_at: datetime | None
    promised_at: datetime | None
    fixed_at: datetime | None
    verified_at: datetime | None
    closed_at: datetime | None
    ended_at: datetime | None
    customer_reached: bool | None
    satisfaction: int | None
    duplicate_of: str | None
    external_ref: str
    location: LocationOut
    anonymous: bool
    # The customer's details; "hidden" when the caller's role may not see them; null when
    # the complaint is anonymous.
    customer: CustomerOut | Literal["hidden"] | None
    events: list[EventOut]
    attachments: list[AttachmentOut]


class OutOfScopeOut(Schema):
    """After an action that moved the complaint out of the caller's scope."""

    tracking_no: str
    status: str
    branch: str
    version: int
    out_of_scope: Literal[True]


class ComplaintPageOut(Schema):
    items: list[ComplaintSummaryOut]
    page: int
    page_size: int
    has_next: bool
    count: int
