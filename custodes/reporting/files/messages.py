# ruff: noqa: RUF001, RUF002  (typographic quotes and the Welsh apostrophe are meant, not look-alikes)
"""What a person is told when a file is refused, in plain English and Welsh.

Every message names the file (its name as sent, cleaned of control characters and shortened) and says what to do.
Messages never quote the file's content. The Welsh is written plainly and should be reviewed by a Welsh speaker
before it is final (see the report that introduced this module).

Welsh: the phrases in ``TYPE_NAMES`` follow "yn" (as in "Mae’r ffeil … yn ddogfen Word"), so they are written
already soft-mutated (dogfen → ddogfen, tudalen → dudalen); "ll" and "rh" do not mutate after this "yn".
"""

from __future__ import annotations

import unicodedata

_ADVICE_EN = "Send photos as JPG or PNG, documents as PDF, recordings as MP3 or MP4."
_ADVICE_CY = "Anfonwch luniau fel JPG neu PNG, dogfennau fel PDF, a recordiadau fel MP3 neu MP4."

# code → (English, Welsh). {name} is the file's name; other fields come from Reject.params.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "empty": (
        "The file ‘{name}’ is empty. Choose the file again, or send a different one.",
        "Mae’r ffeil ‘{name}’ yn wag. Dewiswch y ffeil eto, neu anfonwch un arall.",
    ),
    "too_large": (
        "The file ‘{name}’ is larger than {limit} MB. Send a smaller file, or split a long recording into parts.",
        "Mae’r ffeil ‘{name}’ yn fwy na {limit} MB. Anfonwch ffeil lai, neu rhannwch recordiad hir yn rhannau.",
    ),
    "unsupported_type": (
        "The file ‘{name}’ is {what_en}. " + _ADVICE_EN,
        "Mae’r ffeil ‘{name}’ yn {what_cy}. " + _ADVICE_CY,
    ),
    "unknown_type": (
        "We cannot accept the file ‘{name}’ because we do not recognise its type. " + _ADVICE_EN,
        "Ni allwn dderbyn y ffeil ‘{name}’ am nad ydym yn adnabod y math o ffeil. " + _ADVICE_CY,
    ),
    "unsupported_variant": (
        "The file ‘{name}’ is {what_en}, which we cannot accept. Save it as {advice}, then send it again.",
        "Mae’r ffeil ‘{name}’ yn {what_cy}, ac ni allwn ei derbyn. Cadwch hi fel {advice}, ac yna ei hanfon eto.",
    ),
    "damaged": (
        "The file ‘{name}’ could not be opened: it may be damaged. Try saving or exporting it again, then send it.",
        "Nid oedd modd agor y ffeil ‘{name}’: efallai ei bod wedi’i difrodi. Ceisiwch ei chadw neu ei hallforio "
        "eto, ac yna ei hanfon.",
    ),
    "encrypted": (
        "The file ‘{name}’ is protected with a password, so we cannot open it. Remove the password, or save a copy "
        "without one, then send it.",
        "Mae’r ffeil ‘{name}’ wedi’i diogelu â chyfrinair, felly ni allwn ei hagor. Tynnwch y cyfrinair, neu "
        "cadwch gopi heb gyfrinair, ac yna ei hanfon.",
    ),
    "too_many_pixels": (
        "The picture ‘{name}’ is too big: the most we accept is {limit} million pixels. Send a smaller copy or a "
        "screenshot.",
        "Mae’r llun ‘{name}’ yn rhy fawr: yr uchafswm yw {limit} miliwn picsel. Anfonwch gopi llai neu sgrinlun.",
    ),
    "too_many_frames": (
        "The moving picture ‘{name}’ has too many frames (the most we accept is {limit}). Send it as an MP4 video.",
        "Mae gormod o fframiau yn y llun symudol ‘{name}’ (yr uchafswm yw {limit}). Anfonwch ef fel fideo MP4.",
    ),
    "too_many_pages": (
        "The document ‘{name}’ has more than {limit} pages. Split it into smaller documents, then send them.",
        "Mae gan y ddogfen ‘{name}’ fwy na {limit} o dudalennau. Rhannwch hi’n ddogfennau llai, ac yna eu hanfon.",
    ),
    "cannot_clean": (
        "We cannot remove hidden details, such as location, from the file ‘{name}’, so we have not accepted it. "
        "This protects you. Save or export it again in a different way, then send it.",
        "Ni allwn dynnu manylion cudd, fel lleoliad, o’r ffeil ‘{name}’, felly nid ydym wedi’i derbyn. Mae hyn "
        "yn eich diogelu chi. Cadwch neu allforiwch hi eto mewn ffordd wahanol, ac yna ei hanfon.",
    ),
    "too_many_files": (
        "You can send up to {limit} files. Remove some files, then try again.",
        "Gallwch anfon hyd at {limit} ffeil. Tynnwch rai ffeiliau, ac yna rhowch gynnig arall arni.",
    ),
}

# What a refused file is, by the kind detected from its content: (English, Welsh after "yn").
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "zip": ("a ZIP archive", "archif ZIP"),
    "archive": ("a compressed archive", "archif gywasgedig"),
    "exe": ("a Windows program", "rhaglen Windows"),
    "program": ("a computer program", "rhaglen gyfrifiadurol"),
    "package": ("a software package", "becyn meddalwedd"),
    "word": ("a Word document", "ddogfen Word"),
    "excel": ("an Excel spreadsheet", "daenlen Excel"),
    "powerpoint": ("a PowerPoint presentation", "gyflwyniad PowerPoint"),
    "office": ("a Microsoft Office document", "ddogfen Microsoft Office"),
    "opendocument": ("an OpenDocument file", "ffeil OpenDocument"),
    "rtf": ("a Rich Text document", "ddogfen Rich Text"),
    "epub": ("an e-book", "e-lyfr"),
    "postscript": ("a PostScript file", "ffeil PostScript"),
    "heic": ("a HEIC photo", "llun HEIC"),
    "avif": ("an AVIF picture", "llun AVIF"),
    "tiff": ("a TIFF picture", "llun TIFF"),
    "bmp": ("a BMP picture", "llun BMP"),
    "raw": ("a camera RAW photo", "llun RAW o gamera"),
    "jpeg2000": ("a JPEG 2000 picture", "llun JPEG 2000"),
    "psd": ("a Photoshop file", "ffeil Photoshop"),
    "icon": ("an icon file", "ffeil eicon"),
    "svg": ("an SVG picture, which can contain programs", "llun SVG, a all gynnwys rhaglenni"),
    "mkv": ("a Matroska (MKV) video", "fideo Matroska (MKV)"),
    "avi": ("an AVI video", "fideo AVI"),
    "wmv": ("a Windows Media video", "fideo Windows Media"),
    "flv": ("a Flash video", "fideo Flash"),
    "mpeg": ("an MPEG video", "fideo MPEG"),
    "amr": ("an AMR recording", "recordiad AMR"),
    "aiff": ("an AIFF recording", "recordiad AIFF"),
    "midi": ("a MIDI file", "ffeil MIDI"),
    "protected_audio": ("a copy-protected music file", "ffeil gerddoriaeth wedi’i diogelu rhag copïo"),
    "font": ("a font file", "ffeil ffont"),
    "flash": ("a Flash file", "ffeil Flash"),
    "database": ("a database file", "ffeil cronfa ddata"),
    "medical": ("a medical scan (DICOM)", "sgan meddygol (DICOM)"),
    "html": ("a web page (HTML)", "dudalen we (HTML)"),
    "xml": ("an XML file", "ffeil XML"),
    "text": ("a text file", "ffeil destun"),
}

# What an accepted type saved in a form we cannot check is: (English, Welsh after "yn", what to save it as).
VARIANT_NAMES: dict[str, tuple[str, str, str]] = {
    "wav_codec": ("a WAV recording with compressed sound", "recordiad WAV gyda sain gywasgedig", "MP3"),
    "ogg_codec": ("an Ogg file that is not Vorbis or Opus sound", "ffeil Ogg nad yw’n sain Vorbis neu Opus", "MP3"),
    "ogg_streams": ("an Ogg file holding more than one stream", "ffeil Ogg gyda mwy nag un ffrwd", "MP3"),
    "mp3_free_format": ("an MP3 recording in ‘free format’", "recordiad MP3 mewn ‘fformat rhydd’", "MP3"),
    "mp4_compressed_header": ("an MP4 video with a compressed header", "fideo MP4 gyda phennawd cywasgedig", "MP4"),
    "mp4_protected": ("a copy-protected video or recording", "fideo neu recordiad wedi’i ddiogelu", "MP4"),
    "mp4_no_media": ("an MP4 file with no picture or sound in it", "ffeil MP4 heb lun na sain ynddi", "MP4"),
}

_NAME_MAX = 80
FALLBACK_NAME = ("unnamed", "heb enw")


def display_name(raw: str) -> str:
    """The file's name as it may be shown back: last path part, no control or direction-changing characters, short.

    The name is the sender's, so it is shown only to the sender; it is never logged.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    # Cc: control characters; Cf: format characters, including right-to-left overrides that could make
    # "gpj.exe" read as "exe.jpg"; Co/Cs/Cn: private, surrogate and unassigned code points.
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Co", "Cs", "Cn"})
    name = " ".join(name.split())
    if len(name) > _NAME_MAX:
        name = name[: _NAME_MAX - 1] + "…"
    return name


def render(code: str, name: str, params: dict[str, str]) -> tuple[str, str]:
    """The English and Welsh messages for a refusal ``code`` about the file called ``name`` (already cleaned)."""
    en, cy = _TEMPLATES[code]
    fields = dict(params)
    what = fields.pop("what", "")
    if code == "unsupported_type":
        fields["what_en"], fields["what_cy"] = TYPE_NAMES[what]
    elif code == "unsupported_variant":
        fields["what_en"], fields["what_cy"], fields["advice"] = VARIANT_NAMES[what]
    name_en, name_cy = (name, name) if name else FALLBACK_NAME
    return en.format(name=name_en, **fields), cy.format(name=name_cy, **fields)
