"""Reads for registering a complaint: what the officer needs to know while the customer is
on the line."""

from __future__ import annotations

from tanjai.accounts.scope import Actor
from tanjai.complaints.models import Complaint
from tanjai.complaints.selectors import complaints_visible_to, identity_visible

EARLIER_SHOWN = 5


def customer_earlier_complaints(
    *, actor: Actor, account_no: str = "", phone: str = ""
) -> list[Complaint]:
    """The customer's earlier complaints within the actor's scope, newest first: by the PWA
    account number when given, else by the phone. Only those whose maker the actor may know
    (a staff-conduct complaint of the same number is not shown as this customer's)."""
    if not (account_no or phone):
        return []
    qs = complaints_visible_to(actor=actor).select_related("category")
    qs = (
        qs.filter(customer_account_no=account_no) if account_no else qs.filter(customer_phone=phone)
    )
    return [
        c
        for c in qs.order_by("-received_at")[:EARLIER_SHOWN]
        if identity_visible(actor=actor, complaint=c)
    ]
