"""Tracking numbers that can be read over the phone and catch a mistyped digit.

Format: YY-NNNNNNN-C. YY is the Buddhist Era year (2569 -> 69), N a per-year sequence, and
C a Damm check digit, which detects every single-digit error and every swap of two
adjacent digits, so a number misheard on the phone is refused instead of matching someone
else's complaint.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from tanjai.core.text import THAI_DIGITS

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
SEQUENCE_DIGITS = 7
LENGTH = 2 + SEQUENCE_DIGITS + 1


class TrackingNumberError(ValueError):
    """The text is not a valid tracking number (wrong length or check digit)."""


def damm_check_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def tracking_format(be_year: int, sequence: int) -> str:
    if not 0 < sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence {sequence} out of range")
    body = f"{be_year % 100:02d}{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{body[:2]}-{body[2:]}-{damm_check_digit(body)}"


def tracking_normalise(text: str) -> str:
    """Canonical form of a tracking number typed any way (spaces, dashes, Thai digits).

    Raises TrackingNumberError with a message a caller can show.
    """
    digits = re.sub(r"\D", "", (text or "").translate(THAI_DIGITS))
    if len(digits) != LENGTH:
        raise TrackingNumberError(
            _("A tracking number has %(n)d digits (YY-NNNNNNN-C); this one has %(got)d.")
            % {"n": LENGTH, "got": len(digits)}
        )
    if damm_check_digit(digits) != 0:
        raise TrackingNumberError(_("The check digit does not match: the number was mistyped."))
    return f"{digits[:2]}-{digits[2:-1]}-{digits[-1]}"
