"""Photos and pictures (JPEG, PNG, GIF, WebP): decode the pixels and encode them afresh, carrying nothing else over.

Re-encoding is the cleaning. Stripping known segments from the original would keep whatever the stripper does
not know about (maker notes, trailers after the image data, thumbnails of the uncropped picture); a new file
written from pixels has only pixels. The price is a little image quality, which is acceptable because the
original is sealed unchanged as the evidence.

Decompression bombs: the size in pixels is read from the header and checked before any decoding, and Pillow's
own DecompressionBomb warning and error count as refusals too (Pillow's process-wide limit is left alone).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import ExifTags, Image, ImageCms, ImageSequence, UnidentifiedImageError

from custodes.reporting.files import labels
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.detect import Format
from custodes.reporting.files.errors import Reject

MAX_PIXELS = 50_000_000  # a picture; phones save 12-50 megapixels by default
MAX_ANIMATION_PIXELS = 40_000_000  # all frames of a moving picture together: each is held in memory to re-encode
MAX_FRAMES = 1_000
MAX_JPEG_SCANS = 200

_WEBP_MAX_SIDE = 16383
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_KEEP_MODES = {
    "jpeg": {"L", "RGB", "CMYK"},
    "png": {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"},
    "gif": {"L", "P", "RGB", "RGBA"},
    "webp": {"RGB", "RGBA"},
}
# EXIF orientation → the transpose that makes the picture upright (as Pillow's ImageOps.exif_transpose does).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def clean_image(data: bytes, fmt: Format) -> Cleaned:
    if fmt.key == "jpeg" and data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        # Each scan of a progressive JPEG is decoded over the whole picture: thousands of tiny scans make a
        # small file that takes minutes to decode. Real photos have about ten.
        raise Reject("damaged")
    with _opened(data, fmt) as im:
        width, height = im.size
        if width < 1 or height < 1 or (fmt.key == "webp" and max(width, height) > _WEBP_MAX_SIDE):
            raise Reject("damaged")  # a WebP canvas cannot be larger than this: the header is damaged
        _check_pixels(width * height, MAX_PIXELS)
        result = Cleaned(clean=b"", format=fmt)
        orientation = _describe(im, result)
        frames = getattr(im, "n_frames", 1)
        if frames > MAX_FRAMES:
            raise Reject("too_many_frames", limit=str(MAX_FRAMES))
        if frames > 1:
            _check_pixels(width * height * frames, MAX_ANIMATION_PIXELS)
            result.clean = _encode_animation(im, fmt, orientation, result)
        else:
            im.load()
            picture = _upright(im, orientation)
            picture = _to_srgb(picture, im.info.get("icc_profile"), result)
            result.clean = _encode(_pixels_only(picture, fmt), fmt)
    _verify(result.clean, fmt)
    return result


@contextmanager
def _opened(data: bytes, fmt: Format) -> Iterator[Image.Image]:
    try:
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[fmt.key]]) as im:
            yield im
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own check, at open, above its process-wide limit (a warning only where warnings are errors).
        raise Reject("too_many_pixels", limit=str(MAX_PIXELS // 1_000_000)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as exc:
        # Pillow reports damage as any of these (SyntaxError for a bad PNG chunk, EOFError for a short GIF,
        # IndexError for a GIF frame pointing past its palette).
        raise Reject("damaged") from exc


def _check_pixels(pixels: int, limit: int) -> None:
    if pixels > limit:
        raise Reject("too_many_pixels", limit=str(limit // 1_000_000))


def _describe(im: Image.Image, result: Cleaned) -> int:
    """Record what the file carries besides pixels; return the EXIF orientation (1 = upright already)."""
    try:
        exif = im.getexif()
        main = dict(exif)
        sub = dict(exif.get_ifd(ExifTags.IFD.Exif))
        thumbnail = dict(exif.get_ifd(ExifTags.IFD.IFD1))
    except Exception:  # a corrupt EXIF block is still metadata to drop, not a reason to refuse
        result.remove(labels.EXIF_OTHER)
        main, sub, thumbnail = {}, {}, {}
    tags = set(main) | set(sub)
    checks: list[tuple[set[int], str]] = [
        ({ExifTags.Base.GPSInfo}, labels.GPS),
        ({ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.LensMake, ExifTags.Base.LensModel}, labels.CAMERA),
        ({ExifTags.Base.BodySerialNumber, ExifTags.Base.LensSerialNumber}, labels.SERIAL),
        ({ExifTags.Base.DateTime, ExifTags.Base.DateTimeOriginal, ExifTags.Base.DateTimeDigitized}, labels.DATE_TAKEN),
        ({ExifTags.Base.Artist, ExifTags.Base.Copyright, ExifTags.Base.CameraOwnerName, 0x9C9D}, labels.AUTHOR),
        ({ExifTags.Base.Software}, labels.SOFTWARE),
        ({ExifTags.Base.ImageDescription, ExifTags.Base.UserComment, 0x9C9B, 0x9C9C, 0x9C9E, 0x9C9F}, labels.COMMENTS),
        ({ExifTags.Base.MakerNote}, labels.MAKER_NOTES),
    ]
    known: set[int] = set()
    for keys, label in checks:
        known |= {int(k) for k in keys}
        if tags & {int(k) for k in keys}:
            result.remove(label)
    structural = {ExifTags.Base.ExifOffset, ExifTags.Base.Orientation, ExifTags.Base.ExifVersion}
    if tags - known - {int(k) for k in structural}:
        result.remove(labels.EXIF_OTHER)
    if thumbnail or "thumbnail" in im.info:
        result.remove(labels.THUMBNAIL)
    info = im.info
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        result.remove(labels.XMP)
    if info.get("icc_profile"):
        result.remove(labels.COLOUR_PROFILE)
    if "comment" in info:
        result.remove(labels.COMMENTS)
    if "photoshop" in info or any(m == "APP13" for m, _ in getattr(im, "applist", [])):
        result.remove(labels.IPTC)
    if "mp" in info or any(m == "APP2" and v.startswith(b"MPF") for m, v in getattr(im, "applist", [])):
        result.remove(labels.EXTRA_PICTURES)
    _describe_png_text(im, result)
    orientation = main.get(ExifTags.Base.Orientation, 1)
    return orientation if isinstance(orientation, int) and orientation in _ORIENTATION else 1


def _describe_png_text(im: Image.Image, result: Cleaned) -> None:
    text = getattr(im, "text", None)  # PNG tEXt, zTXt and iTXt chunks (reading them is bounded by Pillow)
    if not text:
        return
    keys = {k.lower() for k in text}
    if keys & {"author", "copyright"}:
        result.remove(labels.AUTHOR)
    if keys & {"creation time", "date:create", "date:modify"}:
        result.remove(labels.DATE_TAKEN)
    if keys & {"software"}:
        result.remove(labels.SOFTWARE)
    if "xml:com.adobe.xmp" in keys:
        result.remove(labels.XMP)
    if keys - {"author", "copyright", "creation time", "date:create", "date:modify", "software", "xml:com.adobe.xmp"}:
        result.remove(labels.TEXT_NOTES)


def _upright(picture: Image.Image, orientation: int) -> Image.Image:
    method = _ORIENTATION.get(orientation)
    return picture.transpose(method) if method is not None else picture


def _to_srgb(picture: Image.Image, icc: object, result: Cleaned) -> Image.Image:
    """Convert colours to sRGB so the picture looks the same without its embedded (and dropped) colour profile."""
    if not isinstance(icc, bytes) or not icc or picture.mode not in {"RGB", "RGBA", "CMYK"}:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        result.notes.append("The picture's colour profile could not be applied, so colours may look slightly off.")
        return picture
    return converted if converted is not None else picture


def _pixels_only(picture: Image.Image, fmt: Format) -> Image.Image:
    """A new image holding the pixels (and palette transparency) and no other information from the file."""
    keep = _KEEP_MODES[fmt.key]
    if picture.mode not in keep:
        has_alpha = picture.mode in {"LA", "PA", "RGBA", "La", "RGBa"} or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha and "RGBA" in keep else "RGB")
    fresh = picture.copy()
    transparency = picture.info.get("transparency")
    fresh.info = {"transparency": transparency} if transparency is not None and fresh.mode in {"P", "L", "RGB"} else {}
    return fresh


def _encode(picture: Image.Image, fmt: Format) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {}
    if fmt.key == "jpeg":
        options = {"quality": 92}
    elif fmt.key == "webp":
        options = {"quality": 90}
    if "transparency" in picture.info and fmt.key in {"png", "gif"}:
        options["transparency"] = picture.info["transparency"]
    picture.save(out, format=_PIL_FORMATS[fmt.key], **options)
    return out.getvalue()


def _encode_animation(im: Image.Image, fmt: Format, orientation: int, result: Cleaned) -> bytes:
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(im):
        frame.load()
        if frame.size != im.size:  # a frame may not grow the canvas past what was checked
            raise Reject("damaged")
        picture = _upright(frame.convert("RGBA"), orientation)
        frames.append(_pixels_only(picture, fmt))
        duration = frame.info.get("duration", 100)
        durations.append(int(duration) if isinstance(duration, int | float) and duration > 0 else 100)
    loop = im.info.get("loop", 0)
    out = io.BytesIO()
    options: dict[str, object] = {"save_all": True, "append_images": frames[1:], "duration": durations}
    options["loop"] = int(loop) if isinstance(loop, int) else 0
    if fmt.key == "webp":
        options["quality"] = 90
    if fmt.key == "png":
        options["default_image"] = False
    frames[0].save(out, format=_PIL_FORMATS[fmt.key], **options)
    result.notes.append(f"A moving picture of {len(frames)} frames; every frame was kept.")
    return out.getvalue()


def _verify(clean: bytes, fmt: Format) -> None:
    """The clean copy opens as the same format and carries no EXIF, XMP, colour profile, comment or text."""
    with Image.open(io.BytesIO(clean), formats=[_PIL_FORMATS[fmt.key]]) as out:
        leftovers = {"exif", "xmp", "icc_profile", "comment", "photoshop", "XML:com.adobe.xmp"} & set(out.info)
        if len(out.getexif()) or leftovers or getattr(out, "text", None):
            raise Reject("cannot_clean")
