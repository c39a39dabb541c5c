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


# Words before a person's name: titles, and ชื่อ ("named"). The name after them is masked,
# when the dictionary reads the title as a word of its own (so not in ขอบคุณ, เชื่อม,
# คุณภาพ, นายอำเภอ) and what follows is not a common word (คุณลุง, ชื่อบัญชี, คุณช่าง).
THAI_TITLES = ("นางสาว", "เด็กชาย", "เด็กหญิง", "นาย", "นาง", "คุณ", "ชื่อ")
_ABBREVIATED_TITLE = re.compile(r"(น\.ส\.|ด\.ช\.|ด\.ญ\.|ดร\.)[ \t]*(?=[\u0e01-\u0e4e])")
_LATIN_TITLE = re.compile(r"\b(Mr\.|Mrs\.|Ms\.|Dr\.|Miss)[ \t]*([A-Z][a-z]+(?: [A-Z][a-z]+)?)")
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")
# Words that end a name written without a space before them ("คุณสมชายแจ้งว่า…"), and the
# common words that follow a title without being a name.
_NOT_NAME = frozenset(
    [
        "แจ้ง", "โทร", "บอก", "ร้องเรียน", "ติดต่อ", "ขอ", "ต้องการ", "พบ", "เห็น", "กล่าว",
        "ถาม", "ตอบ", "ยืนยัน", "ยัง", "ไม่", "ได้", "มา", "ไป", "อยู่", "เป็น", "ให้", "ที่",
        "ซึ่ง", "และ", "กับ", "ว่า", "ค่ะ", "คะ", "ครับ", "บ้าน", "เจ้าของ", "ลูกค้า", "ผู้",
        "เจ้าหน้าที่", "ช่าง", "ลุง", "ป้า", "น้า", "อา", "พี่", "น้อง", "แม่", "พ่อ", "ยาย",
        "ปู่", "ย่า", "ครู", "หมอ", "ตำรวจ", "บัญชี", "ถนน", "ซอย", "หมู่บ้าน", "หมู่", "ผู้ใช้",
        "ผู้ใช้น้ำ", "ผู้ร้อง", "ผู้ร้องเรียน", "อำเภอ", "ตำบล", "จังหวัด", "บริษัท", "ร้าน",
        "โรงเรียน", "วัด", "ไฟล์", "เรื่อง", "สาขา", "ผู้จัดการ", "หัวหน้า", "พนักงาน",
        "ท่าน", "เขา", "เธอ", "ผม", "ดิฉัน", "ฉัน", "หนู", "เรา",
    ]
)  # fmt: skip
MASKED_NAME = "[ชื่อ]"
# Words that begin with a title and are not one, where the dictionary may cut them wrongly.
_NOT_TITLES = (
    "นายก", "นายอำเภอ", "นายช่าง", "นายจ้าง", "นายหน้า", "นายตรวจ", "นายทหาร", "นายประกัน",
    "นายท่า", "นายสถานี", "นางพยาบาล", "นางฟ้า", "คุณภาพ", "คุณค่า", "คุณสมบัติ", "คุณประโยชน์",
    "ชื่อเสียง", "ชื่อเรื่อง",
)  # fmt: skip


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


@lru_cache(maxsize=1)
def _not_name() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords()) | _NOT_NAME


def _name_tokens(words: tuple[str, ...], *, surname: bool = False) -> int:
    """How many of `words` (from the start) are a name: one or two words that are neither
    common nor ending one; a surname is two dictionary words (รัก|ดี) or a word the
    dictionary does not know ("ไปดู" after a name is not one)."""
    not_name = _not_name()
    if not words or words[0] in not_name or len(words[0]) < 2:
        return 0
    # One word of the dictionary is a surname (ใจดี) unless it starts as a verb or a word
    # that follows a name does (ไปดู, มาแจ้ง).
    if (
        surname
        and len(words) == 1
        and words[0] in _dictionary()
        and any(words[0].startswith(w) for w in not_name if len(w) >= 2)
    ):
        return 0
    taken = 1
    if len(words) > 1 and words[1] not in not_name and len(words[1]) >= 2:
        taken = 2
    return taken


def _masked_names(text: str) -> str:
    """A name after a title replaced by [ชื่อ]: a first name (one or two words), and a
    surname after a space."""
    text = _LATIN_TITLE.sub(lambda m: m.group(1) + " " + MASKED_NAME, text)
    out: list[str] = []
    position = 0
    runs = list(_THAI_RUN.finditer(text))
    starts_after_title: set[int] = set()
    for m in _ABBREVIATED_TITLE.finditer(text):
        starts_after_title.add(m.end())
    skip_until = -1
    for n, run in enumerate(runs):
        if run.start() < skip_until:
            continue
        words = _words_cached(run.group())
        offsets = [0]
        for word in words:
            offsets.append(offsets[-1] + len(word))
        i = 0
        while i < len(words):
            name_at: int | None = None
            if i == 0 and run.start() in starts_after_title:
                name_at = 0
            elif words[i] in THAI_TITLES and not run.group()[offsets[i] :].startswith(_NOT_TITLES):
                name_at = i + 1
            if name_at is None:
                i += 1
                continue
            if name_at < len(words):  # the name runs on in the same run: คุณสมชายแจ้ง
                taken = _name_tokens(words[name_at:])
                if not taken:
                    i += 1
                    continue
                start, end = run.start() + offsets[name_at], run.start() + offsets[name_at + taken]
                rest_of_run = name_at + taken == len(words)
            else:  # a space after the title: the name is the next run
                following = runs[n + 1] if n + 1 < len(runs) else None
                gap = text[run.end() : following.start()] if following else ""
                if following is None or gap not in (" ", "\t"):
                    break
                next_words = _words_cached(following.group())
                taken = _name_tokens(next_words)
                if not taken:
                    break
                start = following.start()
                end = start + sum(len(w) for w in next_words[:taken])
                rest_of_run = taken == len(next_words)
                run = following  # the surname, if any, follows this run
            if rest_of_run:  # "นายสมศักดิ์ รักดี": a surname after one space
                after = text[end:]
                surname = re.match(r" ([\u0e01-\u0e4e]+)", after)
                if surname:
                    sur_words = _words_cached(surname.group(1))
                    taken = _name_tokens(sur_words, surname=True)
                    if taken and taken == len(sur_words):  # the whole word before a space
                        end += 1 + sum(len(w) for w in sur_words[:taken])
            if start >= position:
                out += [text[position:start], MASKED_NAME]
                position = end
                skip_until = end
            break
    out.append(text[position:])
    return "".join(out)


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
            # The person's own name, each part of it, but never a title or a short word.
            if len(part) >= 3 and part not in THAI_TITLES and not part.endswith("."):
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
