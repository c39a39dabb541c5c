"""Thai text: normalising what people type, and words for search.

Thai is written without spaces between words, so neither str.split() nor PostgreSQL's
text-search parsers find words in it. We segment with PyThaiNLP's dictionary tokenizer
(offline) when a complaint is written and store the words; a search segments the query
the same way and asks for every word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Thai digits ๐–๙ as 0–9: for numbers typed or pasted in Thai.
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"\s+")
# Tokens that carry no meaning for search: punctuation, symbols, the repetition mark.
_NOISE = re.compile(r"^[\W_ๆฯ]+$")


def text_normalise(text: str) -> str:
    """Clean user input: NFC, Thai digits to Arabic, 'เเ' typed for 'แ', zero-width spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")  # ํา -> ำ (sara am)
    text = text.translate(THAI_DIGITS)
    return _SPACES.sub(" ", text).strip()


def _tokenize(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine="newmm", keep_whitespace=False)


@lru_cache(maxsize=4096)
def _words_cached(fragment: str) -> tuple[str, ...]:
    words = []
    for token in _tokenize(fragment):
        token = token.strip().lower()
        if token and not _NOISE.match(token):
            words.append(token)
    return tuple(words)


def search_words(text: str) -> list[str]:
    """The words of a text, for the search index and for queries alike."""
    text = text_normalise(text)
    words: list[str] = []
    # Segment each whitespace-separated chunk on its own: chunks repeat a lot across
    # complaints (place names, set phrases), which the cache then serves.
    for chunk in text.split(" "):
        words.extend(_words_cached(chunk))
    return words


def search_document(*parts: str) -> str:
    """Space-delimited words with a leading and trailing space, so ' word ' matches whole words."""
    words: list[str] = []
    for part in parts:
        if part:
            words.extend(search_words(part))
    return " " + " ".join(dict.fromkeys(words)) + " " if words else ""


# Thai phone numbers (081-234-5678, 02 123 4567, (02) 123-4567, +66 81 234 5678), e-mail
# addresses, long digit runs (account and ID numbers), and house numbers written after
# บ้านเลขที่ / เลขที่ or as 12/3.
_SEP = r"[\s.-]*"
_PHONE = re.compile(
    r"(?<![\d-])(?:\+66" + _SEP + r"\(?0?\)?|\(?0)\d{1,2}\)?(?:" + _SEP + r"\d){6,8}(?![\d-])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"(?<![\d-])\d(?:[\s-]?\d){7,}(?![\d-])")
_TRACKING = re.compile(r"\d{2}-\d{7}-\d")
_HOUSE = re.compile(r"(บ้านเลขที่|เลขที่)\s*[\d/-]+|(?<![\d/-])\d{1,5}/\d{1,4}(?![\d/-])")


def mask_personal_text(text: str) -> str:
    """Free text with phone, account and house numbers and e-mail addresses masked, for
    readers who may not see the complainant (PDPA) and for reports and exports.

    Tracking numbers (69-0001234-7) and ordinary quantities stay readable."""
    if not text:
        return text
    text = text.translate(THAI_DIGITS)
    text = _EMAIL.sub("[อีเมล]", text)
    text = _PHONE.sub("[เบอร์โทร]", text)
    text = _LONG_NUMBER.sub(
        lambda m: m.group(0) if _TRACKING.fullmatch(m.group(0)) else "[หมายเลข]", text
    )
    return _HOUSE.sub(lambda m: (m.group(1) + " " if m.group(1) else "") + "[เลขที่]", text)


# What a spreadsheet takes for the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


_TONE_MARKS = re.compile("[\u0e47-\u0e4c]")
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def thai_sort_key(text: str) -> str:
    """Thai dictionary order for names: a leading vowel (เ แ โ ใ ไ) sorts under the
    consonant it is written before, and tone marks count only to break ties, so เชียงใหม่
    comes under ช and ไชยา after ชลบุรี."""
    plain = _LEADING_VOWEL.sub(r"\2\1", _TONE_MARKS.sub("", text))
    return plain + "\u0000" + "".join(_TONE_MARKS.findall(text))
