"""Thai text for PDF documents: shaped by HarfBuzz, wrapped only between words, and drawn
fast enough for a list of tens of thousands of rows.

fpdf2 writes the document (pages, fonts, subsetting, compression); this module writes the
text itself. Three reasons:

- Thai has no spaces between words. A line may break only between words, so a text is cut
  into words by PyThaiNLP's dictionary segmentation, and only there (or at a space) does a
  line break. fpdf2 would break anywhere inside a word.
- Speed. fpdf2 shapes every cell again (about 0.2 ms each); here every distinct word is
  shaped once per document and drawn from the cache.
- Copy and search. HarfBuzz splits SARA AM (ำ) into NIKHAHIT and SARA AA and moves marks;
  fpdf2 maps such a glyph to no character, so "กำหนด" is read back from the PDF as "กำ!หนด".
  Here every glyph carries its own characters and is written in logical order, so the text
  reads back as its compatibility form (NFKC), which is what PDF readers search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import uharfbuzz as hb

# Characters drawn without shaping: printable ASCII, Thai consonants, the vowels that take
# their own space, digits and signs. Anything else (marks above or below, SARA AM) is shaped.
_PLAIN = re.compile(r"^[\x20-\x7e\u00a0\u0e01-\u0e30\u0e32\u0e3f-\u0e46\u0e4f-\u0e5b–·…]*$")
_THAI = re.compile(r"[\u0e00-\u0e7f]+")
_SPACE = re.compile(r"[^\S\u00a0]+")  # a no-break space holds its neighbours together
SARA_AM, NIKHAHIT, SARA_AA = "\u0e33", "\u0e4d", "\u0e32"


@dataclass(frozen=True)
class Run:
    """Glyph codes (hexadecimal, in the document's font subset) drawn one after another,
    after moving `kern` thousandths of the font size to the left (TJ's adjustment), raised
    by `rise` thousandths."""

    kern: int
    rise: int
    codes: str


@dataclass(frozen=True)
class Word:
    width: int  # thousandths of the font size
    runs: tuple[Run, ...]


@lru_cache(maxsize=20000)
def pieces(text: str) -> tuple[tuple[str, bool], ...]:
    """The text as the pieces a line may break between: (piece, a space follows).

    Thai is cut into words by dictionary; other text only at spaces. A Thai word and the
    punctuation or digits touching it stay together: "(ชั่วโมง)" never breaks."""
    out: list[tuple[str, bool]] = []
    for chunk in _SPACE.split(text.strip()):
        if not chunk:
            continue
        # Only a Thai word boundary inside a run of Thai is a place to break: digits and
        # punctuation hold on to what touches them ("ต.ค.", "(ชั่วโมง)", "2569").
        parts = [""]
        position = 0
        for match in _THAI.finditer(chunk):
            parts[-1] += chunk[position : match.start()]
            words = list(_thai_words(match.group()))
            parts[-1] += words[0]
            parts += words[1:]
            position = match.end()
        parts[-1] += chunk[position:]
        out += [(p, False) for p in parts]
        out[-1] = (out[-1][0], True)
    if out:
        out[-1] = (out[-1][0], False)
    return tuple(out)


@lru_cache(maxsize=20000)
def _thai_words(run: str) -> tuple[str, ...]:
    """A run of Thai letters cut into words by PyThaiNLP's dictionary."""
    from pythainlp.tokenize import word_tokenize

    return tuple(w for w in word_tokenize(run, engine="newmm") if w) or (run,)


@lru_cache(maxsize=2000)
def _clusters(text: str) -> tuple[str, ...]:
    """Thai character clusters, for a word that is wider than its column by itself."""
    from pythainlp.tokenize import subword_tokenize

    return tuple(subword_tokenize(text, engine="tcc")) if _THAI.search(text) else tuple(text)


class TextWriter:
    """Measures, wraps and draws text in one fpdf2 document with TrueType fonts."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self._words: dict[tuple[int, str], Word] = {}
        self._lines: dict[tuple, list[tuple]] = {}
        self._bodies: dict[tuple, str] = {}
        self._fonts: dict[tuple, str] = {}
        self._reverse: dict[int, dict[int, str]] = {}

    # -- measuring and shaping -------------------------------------------------------

    def word(self, font: Any, text: str) -> Word:
        key = (font.i, text)
        found = self._words.get(key)
        if found is None:
            found = self._plain(font, text) if _PLAIN.match(text) else self._shaped(font, text)
            self._words[key] = found
        return found

    def _glyph_code(self, font: Any, gid: int, chars: str, width: int) -> int | None:
        """The glyph's code in the subset, for these characters and this advance width."""
        name = font.ttfont.getGlyphName(gid)
        glyph = font.subset.get_glyph(
            glyph=gid, unicode=tuple(ord(c) for c in chars), glyph_name=name, glyph_width=width
        )
        return font.subset.pick_glyph(glyph)

    def _plain(self, font: Any, text: str) -> Word:
        codes = []
        width = 0
        for char in text:
            code = font.subset.pick(ord(char))
            if code is None:
                continue
            codes.append(f"{code:04X}")
            width += font.cw.get(ord(char), 0)
        return Word(width, (Run(0, 0, "".join(codes)),) if codes else ())

    def _shaped(self, font: Any, text: str) -> Word:
        buf = hb.Buffer()
        buf.cluster_level = 1  # monotone characters: each mark keeps its own cluster
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font.hbfont, buf, {})
        infos, positions = buf.glyph_infos, buf.glyph_positions
        scale = font.scale
        reverse = self._reverse.get(font.i)
        if reverse is None:
            reverse = self._reverse[font.i] = {gid: chr(u) for u, gid in font.glyph_ids.items()}
        starts = [*sorted({int(i.cluster) for i in infos}), len(text)]
        glyphs: list[tuple[int, int, str]] = []  # (index, glyph id, its characters)
        pen = 0.0
        by_cluster: dict[int, list[int]] = {}
        for index, info in enumerate(infos):
            by_cluster.setdefault(int(info.cluster), []).append(index)
        placed: dict[int, tuple[float, float]] = {}
        ends: dict[int, float] = {}
        for index, pos in enumerate(positions):
            placed[index] = (pen + pos.x_offset * scale, pos.y_offset * scale)
            pen += pos.x_advance * scale
            ends[index] = pen
        for number, start in enumerate(starts[:-1]):
            source = text[start : starts[number + 1]].replace(SARA_AM, NIKHAHIT + SARA_AA)
            members = by_cluster.get(start, [])
            remaining = list(source)
            chars: dict[int, str] = {}
            for index in members:  # a glyph that is a character's own takes it
                own = reverse.get(int(infos[index].codepoint))
                if own in remaining:
                    chars[index] = own
                    remaining.remove(own)
            # A variant or a ligature (a lowered tone mark, NIKHAHIT with MAI THO) takes
            # what is left, so every character is read back from some glyph.
            others = [i for i in members if i not in chars]
            for n, index in enumerate(others):
                if not remaining:
                    break
                take = remaining if n == len(others) - 1 else remaining[:1]
                chars[index] = "".join(take)
                remaining = remaining[len(take) :]
            if remaining and members:
                last = members[-1]
                chars[last] = chars.get(last, "") + "".join(remaining)
            # In the order of the text (a tone mark before NIKHAHIT), whatever the order
            # of the glyphs: positions are absolute, and the text reads back in order.
            members.sort(key=lambda i: source.find(chars.get(i, "")[:1] or "\uffff"))
            for index in members:
                gid = int(infos[index].codepoint)
                if gid:  # 0: a character the font lacks
                    glyphs.append((index, gid, chars.get(index, "")))
        # Each glyph is drawn where HarfBuzz put it, and its advance in the PDF is made to
        # end where the next base glyph starts: a mark moved left of the pen advances as far
        # as it was moved. The text then runs on without gaps, as readers expect.
        runs: list[Run] = []
        codes: list[str] = []
        at = 0  # where the PDF's text position is, in thousandths
        rise = 0
        kern = 0
        for index, gid, chars_of in glyphs:
            x, y = placed[index]
            after = round(ends[index])
            # A nudge up or down of a few hundredths of the size (Sarabun's lowered tone
            # marks: 0.03-0.05) is not drawn: it cannot be seen at a table's size, and a
            # change of rise makes readers take the mark for a separate word.
            gx, gy = round(x), (round(y) if abs(y) > RISE_SHOWN else 0)
            move = at - gx
            if (move or gy != rise) and codes:
                runs.append(Run(kern, rise, "".join(codes)))
                codes = []
            if not codes:
                kern, rise = move, gy
            width = max(0, after - gx)
            code = self._glyph_code(font, gid, chars_of, width)
            if code is None:
                continue
            codes.append(f"{code:04X}")
            at = gx + width
        if codes:
            runs.append(Run(kern, rise, "".join(codes)))
        return Word(round(pen), tuple(runs))

    def width(self, text: str, *, font: Any, size: float) -> float:
        """The width of one line of text, in the document's unit."""
        total = 0.0
        space = font.cw.get(32, 250)
        for piece, spaced in pieces(text):
            total += self.word(font, piece).width + (space if spaced else 0)
        return total * size / 1000 / self.pdf.k

    def widest_piece(self, text: str, *, font: Any, size: float) -> float:
        """The narrowest a column can be without breaking a word of this text."""
        widest = max((self.word(font, p).width for p, _ in pieces(text)), default=0)
        return widest * size / 1000 / self.pdf.k

    # -- wrapping ----------------------------------------------------------------------

    def lines(self, text: str, *, font: Any, size: float, width: float) -> list[tuple]:
        """The text wrapped to `width`: each line a tuple of (piece, x from the line's
        start). A line breaks only between words; a word wider than the line by itself is
        cut between Thai character clusters. (Cached: a column repeats its values.)"""
        key = (font.i, size, text, round(width, 2))
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = self._wrap(text, font=font, size=size, width=width)
        return found

    def _wrap(self, text: str, *, font: Any, size: float, width: float) -> list[tuple]:
        k = self.pdf.k
        limit = width * k * 1000 / size + 0.5  # in thousandths
        space = font.cw.get(32, 250)
        out: list[list[tuple]] = []
        line: list[tuple] = []
        x = 0.0
        for paragraph in text.split("\n"):
            for piece, spaced in pieces(paragraph):
                w = self.word(font, piece).width
                if line and x + w > limit:
                    out.append(line)
                    line, x = [], 0.0
                if w > limit:
                    for part in _clusters(piece):
                        pw = self.word(font, part).width
                        if line and x + pw > limit:
                            out.append(line)
                            line, x = [], 0.0
                        line.append((part, x))
                        x += pw
                else:
                    line.append((piece, x))
                    x += w
                if spaced:
                    x += space
            out.append(line)
            line, x = [], 0.0
        return [tuple(ln) for ln in out if ln] or [()]

    # -- drawing -----------------------------------------------------------------------

    def line_ops(self, line: tuple, *, x: float, y: float, font: Any, size: float) -> str:
        """The PDF operators of one wrapped line with its baseline at (x, y), in the
        document's unit, to go inside a text object (see `emit`)."""
        if not line:
            return ""
        pdf = self.pdf
        k = pdf.k
        key = (font.i, size, line)
        body = self._bodies.get(key)
        if body is None:
            body = self._bodies[key] = self._line_body(line, font=font, size=size)
        return f"{self._font_op(font, size)} 1 0 0 1 {x * k:.2f} {(pdf.h - y) * k:.2f} Tm {body}"

    def _font_op(self, font: Any, size: float) -> str:
        """Tf for the font and size, with the font listed among the page's resources once."""
        key = (self.pdf.page, font.i, size)
        op = self._fonts.get(key)
        if op is None:
            op = self._fonts[key] = self.pdf._set_font_for_page(
                font, size, wrap_in_text_object=False
            )
        return op

    def _line_body(self, line: tuple, *, font: Any, size: float) -> str:
        scale = size / 1000
        ops: list[str] = []
        # One TJ array for the line: the words run on where they touch (Thai has no spaces)
        # and a space is a move to the right, as a reader expects either.
        parts: list[str] = []
        at, rise = 0, 0
        for piece, offset in line:
            word = self.word(font, piece)
            gap = round(at - offset)
            for n, run in enumerate(word.runs):
                move = run.kern + (gap if n == 0 else 0)
                if run.rise != rise:
                    if parts:
                        ops.append(f"[{' '.join(parts)}] TJ")
                        parts = []
                    ops.append(f"{run.rise * scale:.2f} Ts")
                    rise = run.rise
                if move:
                    parts.append(str(move))
                parts.append(f"<{run.codes}>")
            if not word.runs and gap:
                parts.append(str(gap))
            at = offset + word.width
        if parts:
            ops.append(f"[{' '.join(parts)}] TJ")
        if rise:
            ops.append("0 Ts")
        return " ".join(ops)

    def emit(self, ops: list[str], *, color: str = "0 g") -> None:
        """Lines' operators as one text object (q/Q: the colour of the text is not the fill
        colour fpdf2 keeps for shapes)."""
        body = " ".join(o for o in ops if o)
        if body:
            self.pdf._out(f"q {color} BT {body} ET Q")

    def draw_line(
        self,
        line: tuple,
        *,
        x: float,
        y: float,
        font: Any,
        size: float,
        color: str = "0 g",
    ) -> None:
        """One wrapped line with its baseline at (x, y), in the document's unit."""
        self.emit([self.line_ops(line, x=x, y=y, font=font, size=size)], color=color)

    def draw(
        self,
        text: str,
        *,
        x: float,
        y: float,
        font: Any,
        size: float,
        width: float | None = None,
        align: str = "L",
        color: str = "0 g",
    ) -> float:
        """Text with its first baseline at y, wrapped to `width` if given, aligned within
        it; returns the baseline after the last line."""
        lines = self.lines(text, font=font, size=size, width=width or 10_000)
        step = size * LINE_HEIGHT / self.pdf.k  # points to the unit
        for line in lines:
            shift = 0.0
            if align != "L" and width and line:
                used = self.line_width(line, font=font, size=size)
                shift = (width - used) if align == "R" else (width - used) / 2
            self.draw_line(line, x=x + shift, y=y, font=font, size=size, color=color)
            y += step
        return y

    def line_width(self, line: tuple, *, font: Any, size: float) -> float:
        if not line:
            return 0.0
        piece, offset = line[-1]
        return (offset + self.word(font, piece).width) * size / 1000 / self.pdf.k


# The smallest rise of a mark that is drawn, in thousandths of the size.
RISE_SHOWN = 60

# The distance between baselines, in font sizes: Thai needs room above the line for a tone
# mark over an upper vowel, and below it for the lower vowels.
LINE_HEIGHT = 1.45


def nfkc(text: str) -> str:
    """Text as it reads back from a PDF (SARA AM as NIKHAHIT and SARA AA), for comparing."""
    return unicodedata.normalize("NFKC", text)
