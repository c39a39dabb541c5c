"""Photos without what the camera wrote into them (PDPA): a phone's photo carries its GPS
position, the device, sometimes the owner's name, in EXIF and XMP. They are removed when the
photo is stored, without decoding the picture again (no loss, and fast): the JPEG segments,
PNG chunks and WebP chunks that hold them are left out. A JPEG keeps one thing of its EXIF,
the orientation, so that it is still shown the right way up.

A complaint's place is what the citizen chose to give (a map pin, the phone's location in
the form), never what a photo says."""

from __future__ import annotations

import struct

# JPEG: APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) are kept;
# APP1 (EXIF, XMP), the other APPn and comments are not.
_JPEG_KEEP = {0xE0, 0xE2, 0xEE}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: no length
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}


class UnreadablePhoto(ValueError):
    pass


def photo_metadata_strip(content: bytes, content_type: str) -> bytes:
    if content_type == "image/jpeg":
        return _jpeg(content)
    if content_type == "image/png":
        return _png(content)
    if content_type == "image/webp":
        return _webp(content)
    return content


def _jpeg(content: bytes) -> bytes:
    """The JPEG's segments but its metadata, up to the end of the first (primary) image:
    what some phones append after it (a second image with its own EXIF, a motion photo's
    video, a vendor's trailer) is left out too."""
    if content[:2] != b"\xff\xd8":
        raise UnreadablePhoto("not a JPEG")
    out = [b"\xff\xd8"]
    orientation = 1
    scans = 0
    i = 2
    end = len(content)
    while i < end:
        if content[i] != 0xFF:
            i += 1  # stray bytes between segments, which readers skip too
            continue
        marker = content[i + 1] if i + 1 < end else 0xD9
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            out.append(content[i : i + 2])
            i += 2
            continue
        if marker == 0xD9:  # end of the image: nothing after it is kept
            break
        if i + 4 > end:
            raise UnreadablePhoto("a JPEG segment is cut short")
        (length,) = struct.unpack(">H", content[i + 2 : i + 4])
        segment = content[i : i + 2 + length]
        i += 2 + length
        if marker == 0xDA:  # a scan: its header, then the coded picture up to a marker
            scan_end = _scan_end(content, i)
            out.append(segment + content[i:scan_end])
            i = scan_end
            scans += 1
            continue
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            if marker == 0xE1 and segment[4:10] == b"Exif\x00\x00":
                orientation = _orientation(segment[10:]) or orientation
            if marker in _JPEG_KEEP and (marker != 0xE2 or segment[4:16] == b"ICC_PROFILE\x00"):
                out.append(segment)  # APP2 only as the colour profile, not MPF's index
        else:
            out.append(segment)
    if not scans:
        raise UnreadablePhoto("a JPEG without a picture")
    out.append(b"\xff\xd9")
    return _with_orientation(out, orientation)


def _scan_end(content: bytes, i: int) -> int:
    """Where a scan's coded data ends: at the first marker that is not a stuffed 0xFF00 or
    a restart marker."""
    end = len(content)
    while True:
        i = content.find(b"\xff", i)
        if i < 0 or i + 1 >= end:
            return end
        following = content[i + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            i += 1 if following == 0xFF else 2
            continue
        return i


def _with_orientation(parts: list[bytes], orientation: int) -> bytes:
    """The segments, with the orientation's own EXIF after SOI (and after JFIF's APP0,
    which must come first)."""
    if orientation != 1:
        at = 2 if len(parts) > 1 and parts[1][:2] == b"\xff\xe0" else 1
        parts.insert(at, _exif_orientation_segment(orientation))
    return b"".join(parts)


def _orientation(tiff: bytes) -> int | None:
    """The Orientation tag (0x0112) of IFD0 in an EXIF TIFF block, if it is there."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for n in range(count):
            entry = tiff[ifd + 2 + 12 * n : ifd + 14 + 12 * n]
            tag, kind, _count = struct.unpack(order + "HHI", entry[:8])
            if tag == 0x0112 and kind == 3:
                (value,) = struct.unpack(order + "H", entry[8:10])
                return value if 1 <= value <= 8 else None
    except (KeyError, struct.error, IndexError):
        return None
    return None


def _exif_orientation_segment(orientation: int) -> bytes:
    """An APP1 EXIF segment holding the orientation alone."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(">I", 0)  # no next IFD
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _png(content: bytes) -> bytes:
    if content[:8] != b"\x89PNG\r\n\x1a\n":
        raise UnreadablePhoto("not a PNG")
    out = [content[:8]]
    i = 8
    while i + 8 <= len(content):
        (length,) = struct.unpack(">I", content[i : i + 4])
        kind = content[i + 4 : i + 8]
        chunk = content[i : i + 12 + length]
        if len(chunk) < 12 + length:
            raise UnreadablePhoto("a PNG chunk is cut short")
        if kind not in _PNG_DROP:
            out.append(chunk)
        i += 12 + length
        if kind == b"IEND":
            break
    else:
        out.append(content[i:])  # a file that does not follow the format: the rest as is
    return b"".join(out)


def _webp(content: bytes) -> bytes:
    if content[:4] != b"RIFF" or content[8:12] != b"WEBP":
        raise UnreadablePhoto("not a WebP")
    chunks = []
    i = 12
    while i + 8 <= len(content):
        kind = content[i : i + 4]
        (length,) = struct.unpack("<I", content[i + 4 : i + 8])
        end = i + 8 + length + (length & 1)  # chunks are padded to an even length
        chunk = content[i:end]
        if kind not in _WEBP_DROP:
            if kind == b"VP8X" and len(chunk) >= 9:
                flags = chunk[8] & ~0x0C  # no EXIF (0x08) nor XMP (0x04) any more
                chunk = chunk[:8] + bytes([flags]) + chunk[9:]
            chunks.append(chunk)
        i = end
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
