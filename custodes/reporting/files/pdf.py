"""PDF documents: copy the pages into a new PDF and leave behind everything that is not page content.

A new PdfWriter gets the pages only, so the document-level parts of the original never reach it: document
information (author, title, dates, software), XMP metadata, the name tree (embedded files, document JavaScript),
the open action, document actions, the form dictionary with any XFA, outlines and earlier revisions. Before the
pages are copied, everything reachable from them is walked and what could run, open or hide something is taken
off: JavaScript, automatic actions (/AA), actions other than going to a page, a web address or a named viewer
command, file-attachment and media annotations, per-object XMP, application private data, page thumbnails, and
the metadata segments of embedded JPEG photos. The written copy is then read back and walked again; if anything
on the list is still there the file is refused rather than passed on.

The page content itself (what is printed on the page) is not changed: anything visible in the document is still
visible in the clean copy.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from custodes.reporting.files import labels
from custodes.reporting.files.cleaned import Cleaned
from custodes.reporting.files.detect import PDF
from custodes.reporting.files.errors import Reject
from custodes.reporting.files.jpegmeta import strip_jpeg_metadata

MAX_PAGES = 2_000
MAX_OBJECTS_WALKED = 2_000_000

# pypdf logs what it repairs in a damaged file; its messages can quote dictionary keys and bytes from the file.
# Only its errors are worth a line, and this package is the only user of pypdf.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_ACTIONS_KEPT = {"/GoTo", "/URI", "/Named"}
_ANNOTATIONS_DROPPED = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
_FILE_TYPES = {"/EmbeddedFile", "/Filespec"}
# key → what taking it off removes. Checked on every dictionary reachable from the pages, and again on the output.
_KEYS_DROPPED = {
    "/JS": labels.JAVASCRIPT,
    "/JavaScript": labels.JAVASCRIPT,
    "/AA": labels.AUTOMATIC_ACTIONS,
    "/OpenAction": labels.AUTOMATIC_ACTIONS,
    "/Metadata": labels.XMP,
    "/PieceInfo": labels.APPLICATION_DATA,
    "/EmbeddedFiles": labels.EMBEDDED_FILES,
    "/EF": labels.EMBEDDED_FILES,
    "/XFA": labels.XFA_FORM,
    "/Thumb": labels.PAGE_THUMBNAILS,
    "/RichMediaContent": labels.EMBEDDED_MEDIA,
    "/LastModified": labels.DOCUMENT_DATES,
}
_INFO_LABELS = {
    "/Author": labels.DOCUMENT_AUTHOR,
    "/Title": labels.DOCUMENT_TITLE,
    "/Subject": labels.DOCUMENT_SUBJECT,
    "/Keywords": labels.DOCUMENT_SUBJECT,
    "/Creator": labels.DOCUMENT_SOFTWARE,
    "/Producer": labels.DOCUMENT_SOFTWARE,
    "/CreationDate": labels.DOCUMENT_DATES,
    "/ModDate": labels.DOCUMENT_DATES,
}


def clean_pdf(data: bytes) -> Cleaned:
    try:
        return _clean(data)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # How pypdf reports a file it cannot make sense of; nothing to log, the file is just damaged.
        raise Reject("damaged") from exc


def _clean(data: bytes) -> Cleaned:
    # A complete PDF ends with %%EOF (viewers allow it anywhere in the last kilobyte). Without it the file was
    # cut short, and pypdf would quietly rebuild what it could: better to ask for the whole file.
    if data.rfind(b"%%EOF", max(0, len(data) - 1024)) < 0:
        raise Reject("damaged")
    result = Cleaned(clean=b"", format=PDF)
    reader = _open(data, result)
    pages = list(reader.pages)
    if not pages:
        raise Reject("damaged")
    if len(pages) > MAX_PAGES:
        raise Reject("too_many_pages", limit=str(MAX_PAGES))
    _describe_document(reader, result)
    walker = _Sanitiser(result)
    for page in pages:
        walker.sanitise(page)
    writer = PdfWriter()
    for page in pages:
        writer.add_page(page)
    writer.metadata = None  # no /Info at all, not even pypdf's own "Producer"
    out = io.BytesIO()
    writer.write(out)
    result.clean = out.getvalue()
    _verify(result.clean, len(pages))
    result.notes.append("Pages were copied as they are: anything written or drawn on a page is still there.")
    return result


def _open(data: bytes, result: Cleaned) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # Many PDFs (bank statements, official letters) are "encrypted" with an empty password to restrict
        # printing or copying; they open for anyone and can be cleaned. A real password cannot be guessed.
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, PdfReadError, NotImplementedError, ValueError) as exc:
            raise Reject("encrypted") from exc
        if opened == PasswordType.NOT_DECRYPTED:
            raise Reject("encrypted")
        result.remove(labels.PASSWORD)
    return reader


def _describe_document(reader: PdfReader, result: Cleaned) -> None:
    """Record what the document carries at its top level, none of which is copied."""
    info: Mapping[str, object]
    try:
        info = reader.metadata or {}
    except Exception:  # a broken information dictionary is not copied anyway
        info = {}
    for key, label in _INFO_LABELS.items():
        if info.get(key):
            result.remove(label)
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise Reject("damaged")
    if "/Metadata" in root:
        result.remove(labels.XMP)
    if "/OpenAction" in root or "/AA" in root:
        action = _resolve(root.get("/OpenAction"))
        is_js = isinstance(action, DictionaryObject) and action.get("/S") == "/JavaScript"
        result.remove(labels.JAVASCRIPT if is_js else labels.AUTOMATIC_ACTIONS)
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/EmbeddedFiles" in names:
            result.remove(labels.EMBEDDED_FILES)
        if "/JavaScript" in names:
            result.remove(labels.JAVASCRIPT)
    form = _resolve(root.get("/AcroForm"))
    if isinstance(form, DictionaryObject) and "/XFA" in form:
        result.remove(labels.XFA_FORM)
    if "/PieceInfo" in root:
        result.remove(labels.APPLICATION_DATA)


class _Sanitiser:
    """Walks everything reachable from a page (once per object) and takes off what _KEYS_DROPPED and the action
    and annotation rules name. Objects are changed in the reader's cache, which add_page then copies."""

    def __init__(self, result: Cleaned) -> None:
        self.result = result
        self.seen: set[tuple[int, int]] = set()
        self.walked = 0

    def sanitise(self, page: DictionaryObject) -> None:
        stack: list[PdfObject | None] = [page]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                obj = obj.get_object()
            self.walked += 1
            if self.walked > MAX_OBJECTS_WALKED:
                raise Reject("damaged")
            if isinstance(obj, DictionaryObject):
                self._clean_dictionary(obj)
                stack.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)

    def _clean_dictionary(self, d: DictionaryObject) -> None:
        if _subtype(d) in _ANNOTATIONS_DROPPED or d.get("/Type") in _FILE_TYPES:
            # Reached other than through a page's /Annots (a damaged or crafted file can point at it from
            # anywhere): empty it where it stands.
            d.clear()
            if isinstance(d, StreamObject):
                StreamObject.set_data(d, b"")
                d.decoded_self = None
            self.result.remove(labels.EMBEDDED_FILES)
            return
        for key, label in _KEYS_DROPPED.items():
            if key in d:
                del d[key]
                self.result.remove(label)
        for key in ("/A", "/Next"):
            if key in d and not _safe_action(d[key]):
                self.result.remove(labels.JAVASCRIPT if _is_js(d[key]) else labels.RISKY_LINKS)
                del d[key]
        annots = _resolve(d.get("/Annots"))
        if isinstance(annots, ArrayObject):
            dropped = [_subtype(a) for a in annots if _subtype(a) in _ANNOTATIONS_DROPPED]
            for subtype in dropped:
                self.result.remove(labels.EMBEDDED_FILES if subtype == "/FileAttachment" else labels.EMBEDDED_MEDIA)
            if dropped:
                d[NameObject("/Annots")] = ArrayObject(a for a in annots if _subtype(a) not in _ANNOTATIONS_DROPPED)
        if isinstance(d, StreamObject) and _subtype(d) == "/Image" and _filters(d) == ["/DCTDecode"]:
            stripped, removed = strip_jpeg_metadata(d._data)
            if removed:
                # The base class's set_data replaces the stored (encoded) bytes as they are; the subclass's would
                # try to re-encode them with Flate.
                StreamObject.set_data(d, stripped)
                d.decoded_self = None
                self.result.remove(labels.PHOTO_METADATA_IN_DOCUMENT)


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _subtype(obj: object) -> object:
    obj = _resolve(obj)
    return _resolve(obj.get("/Subtype")) if isinstance(obj, DictionaryObject) else None


def _actions(value: object) -> Iterator[object]:
    value = _resolve(value)
    if isinstance(value, ArrayObject):
        yield from (_resolve(v) for v in value)
    else:
        yield value


def _safe_action(value: object) -> bool:
    return all(isinstance(a, DictionaryObject) and a.get("/S") in _ACTIONS_KEPT for a in _actions(value))


def _is_js(value: object) -> bool:
    return any(isinstance(a, DictionaryObject) and a.get("/S") == "/JavaScript" for a in _actions(value))


def _filters(stream: StreamObject) -> list[str]:
    value = _resolve(stream.get("/Filter"))
    if isinstance(value, ArrayObject):
        return [str(_resolve(v)) for v in value]
    return [str(value)] if value is not None else []


def _verify(clean: bytes, pages: int) -> None:
    """Read the copy back and walk all of it, from the trailer down: nothing on the list may be left."""
    reader = PdfReader(io.BytesIO(clean), strict=False)
    if len(reader.pages) != pages or "/Info" in reader.trailer:
        raise Reject("cannot_clean")
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if set(obj) & set(_KEYS_DROPPED) or any(k in obj and not _safe_action(obj[k]) for k in ("/A", "/Next")):
                raise Reject("cannot_clean")
            if _subtype(obj) in _ANNOTATIONS_DROPPED or obj.get("/Type") in _FILE_TYPES:
                raise Reject("cannot_clean")
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
