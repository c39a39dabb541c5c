"""The defaults seeded for deadlines and retention periods (then data, edited in the admin).

The README's PDPA section gives the reasons; each note here is what the admin shows."""

from __future__ import annotations

from tanjai.privacy.models import RequestKind, RetentionKind

# PDPA section 30 gives 30 days to answer a request for a copy; we hold every kind of
# request to the same 30 days from receipt.
DEADLINE_DAYS: dict[str, int] = {kind.value: 30 for kind in RequestKind}

RETENTION_DEFAULTS: list[tuple[RetentionKind, int, str]] = [
    (
        RetentionKind.COMPLAINT_PERSONAL,
        5 * 365,
        "5 years after a complaint is closed (or ended): long enough for a repeat complaint, "
        "an appeal, an audit of the year's accounts and the reports of past years; then the "
        "complaint stays for the statistics without whom it was from.",
    ),
    (
        RetentionKind.NOTICE_BODIES,
        365,
        "1 year: the event log already records that the customer was told and when; the "
        "words and the address are kept for a year of questions about them.",
    ),
    (
        RetentionKind.INBOUND_MESSAGES,
        30,
        "30 days: the ids only recognise a provider's redelivery, which comes within hours.",
    ),
    (
        RetentionKind.CHAT_TRANSCRIPTS,
        7,
        "7 days: a chat not sent as a complaint is not kept (the chat itself starts afresh "
        "after 24 hours).",
    ),
    (
        RetentionKind.REJECTED_IMPORT_ROWS,
        90,
        "90 days after the import: time to correct the rows and import them again.",
    ),
    (
        RetentionKind.ACCESS_LOG,
        2 * 365,
        "2 years: long enough to answer who saw a person's data in a complaint about it.",
    ),
]
