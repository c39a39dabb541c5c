"""Thai text: normalising what people type, and words for search.

Thai is written without spaces between words, so neither str.split() nor PostgreSQL's
text-search parsers find words in it. We segment with PyThaiNLP's dictionary tokenizer
(offline) when a complaint is written and store the words; a search segments the query
the same way and asks for every word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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


# Words before a person's name: titles, and ชื่อ ("named"). The name that follows is masked.
_TITLES = (
    "นางสาว", "เด็กชาย", "เด็กหญิง", "นาย", "นาง", "น.ส.", "ด.ช.", "ด.ญ.", "คุณ", "ดร.",
    "ชื่อ", "Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms",
)  # fmt: skip
_TITLE = re.compile("(" + "|".join(re.escape(t) for t in _TITLES) + r")[ \t]*")
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?")
# Words that end a name written without a space before them ("คุณสมชายแจ้งว่า…").
_AFTER_NAME = frozenset(
    [
        "แจ้ง", "โทร", "บอก", "ร้องเรียน", "ติดต่อ", "ขอ", "ต้องการ", "พบ", "เห็น", "กล่าว",
        "ถาม", "ตอบ", "ยืนยัน", "ยัง", "ไม่", "ได้", "มา", "ไป", "อยู่", "เป็น", "ให้", "ที่",
        "ซึ่ง", "และ", "กับ", "ว่า", "ค่ะ", "คะ", "ครับ", "บ้าน", "เจ้าของ", "ลูกค้า", "ผู้",
    ]
)  # fmt: skip
MASKED_NAME = "[ชื่อ]"


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords()) | _AFTER_NAME


def _masked_names(text: str) -> str:
    """A name after a title (นาย, นาง, นางสาว, คุณ, ชื่อ…) replaced by [ชื่อ]: the first
    name up to a space or a word that cannot be part of it, and a surname after a space."""
    out: list[str] = []
    position = 0
    for match in _TITLE.finditer(text):
        if match.start() < position:
            continue
        rest = text[match.end() :]
        title = match.group(1)
        if not title[0].isascii() and not title.endswith("."):
            # A title only when the dictionary reads it as a word of its own: not the
            # คุณ of คุณภาพ (quality), the นาย of นายอำเภอ, the ชื่อ of ชื่อเสียง.
            run = _THAI_RUN.match(text[match.start() :])
            if run is None or _words_cached(run.group())[:1] != (title,):
                continue
        latin = _LATIN_NAME.match(rest) if title[0].isascii() else None
        if latin:
            out += [text[position : match.end()], MASKED_NAME]
            position = match.end() + latin.end()
            continue
        first = _name_part(rest)
        if not first:
            continue
        end = match.end() + first
        surname = re.match(r" (?=[\u0e01-\u0e4e])", text[end:])
        if surname:
            second = _name_part(text[end + 1 :], surname=True)
            if second:
                end += 1 + second
        out += [text[position : match.end()], MASKED_NAME]
        position = end
    out.append(text[position:])
    return "".join(out)


def _name_part(text: str, *, surname: bool = False) -> int:
    """How many characters at the start of `text` are a name: the Thai letters up to a
    space, or up to a word that ends a name; 0 if none. A surname is more than one word of
    the dictionary (รัก|ดี), or a word it does not know: "ไปดู" after a name is not one."""
    run = _THAI_RUN.match(text)
    if not run:
        return 0
    words = _words_cached(run.group())
    stop = _stopwords()
    if surname and len(words) == 1 and words[0] in _dictionary():
        return 0
    length = 0
    for i, word in enumerate(words):
        if i and (word in stop or i >= 4):
            break
        if i == 0 and word in stop:
            return 0
        length += len(word)
    return length


def mask_personal_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Free text with phone, account and house numbers, e-mail addresses and people's names
    masked, for readers who may not see the complainant (PDPA) and for reports and exports.
    A name is found after a title (นาย, นาง, นางสาว, คุณ, ชื่อ…), and `names` (the
    complainant's own, say) wherever they are written.

    Tracking numbers (69-0001234-7) and ordinary quantities stay readable."""
    if not text:
        return text
    for name in names:
        for part in (name or "").split():
            if len(part) >= 2:
                text = text.replace(part, MASKED_NAME)
    text = _masked_names(text)
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
