"""Photos are stored without what the camera wrote into them: no GPS position, no device,
no owner (PDPA). A JPEG keeps its orientation, so it is still shown the right way up."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from tanjai.complaints.metadata import UnreadablePhoto, photo_metadata_strip

GPS_IFD = 0x8825


def exif_with_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15 Pro"  # Model
    exif[0x013B] = "สมชาย ใจดี"  # Artist: the owner's name
    exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (13.0, 21.0, 36.0), 3: "E", 4: (100.0, 59.0, 2.0)})
    return exif


def jpeg(**kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def test_a_jpeg_loses_gps_device_and_owner_but_keeps_its_orientation():
    original = jpeg(exif=exif_with_gps(orientation=6).tobytes())
    assert b"PhoneMaker" in original
    stored = photo_metadata_strip(original, "image/jpeg")
    for secret in (b"PhoneMaker", b"Phone 15 Pro", "สมชาย".encode()):
        assert secret not in stored
    image = Image.open(io.BytesIO(stored))
    exif = image.getexif()
    assert exif.get(0x0112) == 6  # the right way up still
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif and 0x013B not in exif
    image.load()  # the picture itself is whole
    assert image.size == (40, 30)
    assert image.getpixel((5, 5))[0] > 150


def test_an_upright_jpeg_keeps_no_exif_at_all():
    stored = photo_metadata_strip(jpeg(exif=exif_with_gps(orientation=1).tobytes()), "image/jpeg")
    assert b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)


def test_a_png_loses_its_text_chunks_and_exif():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "สมชาย ใจดี 0811111111")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(
        buf, "PNG", pnginfo=info, exif=exif_with_gps().tobytes()
    )
    original = buf.getvalue()
    assert b"0811111111" in original and b"eXIf" in original
    stored = photo_metadata_strip(original, "image/png")
    assert b"0811111111" not in stored and b"eXIf" not in stored and b"tEXt" not in stored
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.getpixel((1, 1)) == (0, 0, 255)


def test_a_webp_loses_its_exif():
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(buf, "WEBP", exif=exif_with_gps().tobytes())
    original = buf.getvalue()
    assert b"PhoneMaker" in original
    stored = photo_metadata_strip(original, "image/webp")
    assert b"PhoneMaker" not in stored and b"EXIF" not in stored
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.size == (16, 16)


def test_a_broken_jpeg_is_refused():
    with pytest.raises(UnreadablePhoto):
        photo_metadata_strip(b"\xff\xd8\x00\x00 not a segment", "image/jpeg")


@pytest.mark.django_db
def test_an_uploaded_photo_is_stored_without_its_gps(api):
    from tanjai.complaints.models import Attachment
    from tanjai.conftest import new_complaint_payload

    officer = api("call_centre")
    number = officer.post("/complaints", new_complaint_payload()).json()["tracking_no"]
    original = jpeg(exif=exif_with_gps().tobytes())
    f = io.BytesIO(original)
    f.name = "IMG_0001.jpg"
    response = officer.client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": f, "kind": "before"},
        headers=officer.headers,
    )
    assert response.status_code == 201
    stored = Attachment.objects.get(complaint__tracking_no=number)
    data = stored.file.open("rb").read()
    assert b"PhoneMaker" not in data and stored.size == len(data)
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    # Sent again (a retry): the same upload, stored once.
    f.seek(0)
    again = officer.client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": f, "kind": "before"},
        headers=officer.headers,
    )
    assert (
        again.status_code == 200
        and Attachment.objects.filter(complaint__tracking_no=number).count() == 1
    )


def test_what_a_phone_appends_after_the_picture_goes_and_the_picture_stays():
    """A motion photo's video or a second image with its own EXIF, after the end of the
    first; a colour profile is kept, MPF's index is not; stray bytes are read past."""
    icc = b"\xff\xe2" + (2 + 12 + 4).to_bytes(2, "big") + b"ICC_PROFILE\x00" + b"\x01\x01abcd"[:4]
    mpf = b"\xff\xe2" + (2 + 4 + 8).to_bytes(2, "big") + b"MPF\x00" + b"MMdevice"
    base = jpeg(exif=exif_with_gps(orientation=1).tobytes(), progressive=True)
    trailer = b"ftypmp42 GPS 13.3600 100.9800 " + jpeg(exif=exif_with_gps().tobytes())
    photo = base[:2] + icc + mpf + b"\x00\x00" + base[2:] + trailer
    stored = photo_metadata_strip(photo, "image/jpeg")
    assert b"GPS 13.36" not in stored and b"PhoneMaker" not in stored and b"MPF\x00" not in stored
    assert b"ICC_PROFILE\x00" in stored and stored.endswith(b"\xff\xd9")
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert image.size == (40, 30) and image.getpixel((5, 5))[0] > 150
