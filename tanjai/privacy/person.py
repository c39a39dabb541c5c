"""Who a person is, for finding and for forgetting them: their identifiers normalised as
intake stores them, and a scrubber that takes them out of free text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tanjai.core.text import THAI_DIGITS, mask_personal_text
from tanjai.intake.inputs import phone_normalise as intake_phone

# What an erased value leaves behind: the same words mask_personal_text uses, so that a
# reader sees one vocabulary for "something personal was here".
NAME_GONE = "[ชื่อ]"
PHONE_GONE = "[เบอร์โทร]"
EMAIL_GONE = "[อีเมล]"
NUMBER_GONE = "[หมายเลข]"
ERASED = "[ลบข้อมูลส่วนบุคคลแล้ว]"

# Titles written before a name; "นาย สมชาย" and "สมชาย" are one person.
TITLES = sorted(
    [
        "นางสาว", "น.ส.", "นาง", "นาย", "คุณ", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.",
        "mrs.", "mrs", "mr.", "mr", "ms.", "ms", "miss",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SEP = r"[\s.\-()]*"


def light_normalise(text: str) -> str:
    """NFC, no zero-width characters, Arabic digits, 'เเ' as 'แ'; line breaks kept."""
    text = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH)
    return text.replace("เเ", "แ").translate(THAI_DIGITS)


def name_normalise(name: str) -> str:
    """A name to compare: no title, single spaces, case folded."""
    text = " ".join(light_normalise(name).split()).casefold()
    for title in TITLES:
        if text.startswith(title):
            text = text[len(title) :].lstrip()
            break
    return text


def phone_normalise(value: str) -> str:
    """A phone as intake stores it (0XXXXXXXX[X]); "" if it is not a Thai number."""

    try:
        return intake_phone(value) if value.strip() else ""
    except ValueError:
        return ""


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", (value or "").translate(THAI_DIGITS))


@dataclass(frozen=True)
class PersonKeys:
    """The identifiers a person is found by, normalised; empty strings for those not given."""

    name: str = ""
    phone: str = ""
    email: str = ""
    line_user_id: str = ""
    messenger_id: str = ""
    account_no: str = ""

    @classmethod
    def of(cls, **raw: str) -> PersonKeys:
        return cls(
            name=" ".join(light_normalise(raw.get("name", "")).split()),
            phone=phone_normalise(raw.get("phone", "")),
            email=(raw.get("email", "") or "").strip().lower(),
            line_user_id=(raw.get("line_user_id", "") or "").strip(),
            messenger_id=(raw.get("messenger_id", "") or "").strip(),
            account_no=digits_only(raw.get("account_no", "")),
        )

    def is_empty(self) -> bool:
        return not any(
            (
                self.name,
                self.phone,
                self.email,
                self.line_user_id,
                self.messenger_id,
                self.account_no,
            )
        )


@dataclass
class Scrubber:
    """Takes a person's known values out of free text: their names (whole and each part of
    three letters or more), phone and account numbers however they are written (081-234-5678,
    +66 81 234 5678), e-mail addresses and chat ids; then masks any other phone, e-mail,
    long number or house number as mask_personal_text does."""

    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    literals: set[str] = field(default_factory=set)
    _compiled: list[tuple[re.Pattern[str], str]] | None = field(default=None, repr=False)

    def add_name(self, name: str) -> None:
        self._compiled = None
        name = " ".join(light_normalise(name).split())
        core = name_normalise(name)
        for value in (name, core):
            if value:
                self.names.add(value)
        self.names.update(part for part in core.split(" ") if len(part) >= 3)

    def add(
        self,
        *,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        numbers: Iterable[str] = (),
        literals: Iterable[str] = (),
    ) -> None:
        self._compiled = None
        for name in names:
            if name:
                self.add_name(name)
        self.phones.update(d for d in map(digits_only, phones) if len(d) >= 6)
        self.numbers.update(d for d in map(digits_only, numbers) if len(d) >= 4)
        self.literals.update(v.strip() for v in literals if v and v.strip())

    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled

    def _compile(self) -> list[tuple[re.Pattern[str], str]]:
        patterns: list[tuple[re.Pattern[str], str]] = []
        for phone in sorted(self.phones, key=len, reverse=True):
            rest = _SEP.join(re.escape(d) for d in phone[1:])
            lead = r"(?:\+?66" + _SEP + r"0?|0)" if phone.startswith("0") else re.escape(phone[0])
            patterns.append((re.compile(lead + _SEP + rest), PHONE_GONE))
        for number in sorted(self.numbers, key=len, reverse=True):
            patterns.append((re.compile(_SEP.join(re.escape(d) for d in number)), NUMBER_GONE))
        for literal in sorted(self.literals, key=len, reverse=True):
            gone = EMAIL_GONE if "@" in literal else ERASED
            patterns.append((re.compile(re.escape(literal), re.IGNORECASE), gone))
        for name in sorted(self.names, key=len, reverse=True):
            spaced = r"\s+".join(re.escape(p) for p in name.split(" "))
            patterns.append((re.compile(spaced, re.IGNORECASE), NAME_GONE))
        return patterns

    def text(self, value: str) -> str:
        if not value:
            return value
        text = light_normalise(value)
        for pattern, gone in self._patterns():
            text = pattern.sub(gone, text)
        return mask_personal_text(text)

    def exact(self, value: str) -> str:
        """Known values only, for structured strings (codes, dates) mask_personal_text
        would mistake for numbers."""
        if not value:
            return value
        text = light_normalise(value)
        for pattern, gone in self._patterns():
            text = pattern.sub(gone, text)
        return text

    def data(self, value: Any, *, free_text: frozenset[str], key: str = "") -> Any:
        """A JSON value with the known values taken out of every string, and the keys that
        hold free text scrubbed fully."""
        if isinstance(value, dict):
            return {k: self.data(v, free_text=free_text, key=k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v, free_text=free_text, key=key) for v in value]
        if isinstance(value, str):
            return self.text(value) if key in free_text else self.exact(value)
        return value
