"""Content sniffing for evidence uploads: a file's bytes must match the type its name claims.

The name is what the browser (and so an attacker) chooses; the bytes are what a reader's program will
open. `check_content` accepts a file only when its content is of the kind its extension names, and
otherwise says what the content looks like, so the person uploading understands the refusal. The content
type stored and served comes from here, never from the client.
"""

import codecs
import json
import re
import zipfile
from dataclasses import dataclass
from typing import IO

HEAD_BYTES = 4096
READ_CHUNK = 64 * 1024
NOT_JSON = "The file is named .json but it is not valid JSON"
# An Office file's [Content_Types].xml is a few kilobytes; anything far larger is not one we open.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


class FileTypeError(ValueError):
    """The content does not match the extension; `message` says what was found."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str  # "a PDF document": used in messages
    content_type: str  # what the download view sends


_OOXML = "application/vnd.openxmlformats-officedocument"
KNOWN_TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        FileType("pdf", "a PDF document", "application/pdf"),
        FileType("png", "a PNG image", "image/png"),
        FileType("jpg", "a JPEG image", "image/jpeg"),
        FileType("jpeg", "a JPEG image", "image/jpeg"),
        FileType("txt", "UTF-8 text", "text/plain; charset=utf-8"),
        FileType("md", "UTF-8 text (Markdown)", "text/markdown; charset=utf-8"),
        FileType("csv", "UTF-8 text (CSV)", "text/csv; charset=utf-8"),
        FileType("json", "a JSON document", "application/json"),
        FileType("docx", "a Word document (docx)", f"{_OOXML}.wordprocessingml.document"),
        FileType("xlsx", "an Excel workbook (xlsx)", f"{_OOXML}.spreadsheetml.sheet"),
        FileType(
            "pptx", "a PowerPoint presentation (pptx)", f"{_OOXML}.presentationml.presentation"
        ),
    )
}
TEXT_EXTENSIONS = frozenset({"txt", "md", "csv", "json"})

# The leading bytes of binary formats: what each must start with, and what we recognise to name it.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable (ELF)"),
    (b"\xfe\xed\xfa\xce", "a macOS executable (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "a macOS executable (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "a macOS executable (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "a macOS executable or Java class file"),
    (b"\x00asm", "a WebAssembly module"),
    (b"#!", "a script"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file (doc, xls or ppt)"),
    (b"%!PS", "a PostScript document"),
    (b"{\\rtf", "an RTF document"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)
# Markup a browser would run as a page: never accepted under a text or image name.
_MARKUP: tuple[tuple[bytes, str], ...] = (
    (b"<!doctype html", "an HTML document"),
    (b"<html", "an HTML document"),
    (b"<head", "an HTML document"),
    (b"<body", "an HTML document"),
    (b"<script", "an HTML document"),
    (b"<iframe", "an HTML document"),
    (b"<svg", "an SVG image"),
    (b"<?xml", "an XML document"),
)

# The main part of each Office Open XML kind, as named in the package's [Content_Types].xml.
_OFFICE_MAIN: dict[str, str] = {
    "docx": f"{_OOXML}.wordprocessingml.document.main+xml",
    "xlsx": f"{_OOXML}.spreadsheetml.sheet.main+xml",
    "pptx": f"{_OOXML}.presentationml.presentation.main+xml",
}
_OFFICE_OTHER: dict[str, str] = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a macro-enabled Word document (docm)",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "a macro-enabled Excel workbook (xlsm)",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "a macro-enabled PowerPoint presentation (pptm)"
    ),
    f"{_OOXML}.wordprocessingml.template.main+xml": "a Word template (dotx)",
    f"{_OOXML}.spreadsheetml.template.main+xml": "an Excel template (xltx)",
    f"{_OOXML}.presentationml.template.main+xml": "a PowerPoint template (potx)",
    f"{_OOXML}.presentationml.slideshow.main+xml": "a PowerPoint slide show (ppsx)",
}
_OVERRIDE_TAG = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" when there is none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def describe(head: bytes) -> str:
    """What the first bytes of a file look like, in words ("a Windows executable", "text" ...)."""
    if not head:
        return "an empty file"
    for signature, label in _SIGNATURES:
        if head.startswith(signature):
            return label
    if head[4:8] == b"ftyp":
        return "a video or HEIC image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image"
    markup = _markup_kind(head)
    if markup:
        return markup
    if b"\x00" not in head and _utf8_prefix_ok(head):
        return "text"
    return "binary data of an unknown kind"


def check_content(upload: IO[bytes], *, extension: str) -> FileType:
    """Return the file's type when its content matches `extension`, else raise FileTypeError.

    Reads what it needs from `upload` (a binary file object that can seek) and leaves it at position 0.
    The extension must be one of KNOWN_TYPES: a type we cannot check by content is refused.
    """
    extension = extension.lower()
    expected = KNOWN_TYPES.get(extension)
    if expected is None:
        raise FileTypeError(
            f".{extension} files cannot be checked by their content, so they are not accepted."
        )
    try:
        upload.seek(0)
        head = upload.read(HEAD_BYTES)
        if extension in TEXT_EXTENSIONS:
            _check_text(upload, head=head, extension=extension)
        else:
            _check_binary(upload, head=head, extension=extension)
    finally:
        upload.seek(0)
    return expected


def _mismatch(extension: str, found: str) -> FileTypeError:
    expected = KNOWN_TYPES[extension].label
    return FileTypeError(
        f"The file is named .{extension} but its content is {found}, not {expected}. "
        "Only files whose content matches their name are accepted."
    )


def _check_binary(upload: IO[bytes], *, head: bytes, extension: str) -> None:
    if not head.startswith(_MAGIC[extension]):
        raise _mismatch(extension, describe(head))
    if extension in _OFFICE_MAIN:
        _check_office(upload, extension=extension)


def _check_office(upload: IO[bytes], *, extension: str) -> None:
    """An Office Open XML file is a ZIP whose [Content_Types].xml names the main part of its kind."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            try:
                info = package.getinfo("[Content_Types].xml")
            except KeyError:
                raise _mismatch(extension, "a ZIP archive") from None
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                raise _mismatch(extension, "a ZIP archive with an oversized content list")
            with package.open(info) as member:
                content_types = member.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise _mismatch(extension, "a damaged or unsupported ZIP archive") from None
    parts = _override_parts(content_types)
    main_part = parts.get(_OFFICE_MAIN[extension])
    if main_part is None:
        raise _mismatch(extension, _office_kind(parts))
    if main_part.lstrip("/") not in names:
        raise _mismatch(extension, f"a ZIP archive without its main part ({main_part.lstrip('/')})")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _mismatch(extension, "an Office file with macros (vbaProject.bin)")


def _override_parts(content_types: bytes) -> dict[str, str]:
    """{content type: part name} from the Override entries of [Content_Types].xml."""
    parts: dict[str, str] = {}
    for tag in _OVERRIDE_TAG.finditer(content_types):
        attributes = {
            m.group(1).decode("ascii", "replace"): (m.group(2) or m.group(3) or b"").decode(
                "utf-8", "replace"
            )
            for m in _ATTRIBUTE.finditer(tag.group(1))
        }
        if "ContentType" in attributes and "PartName" in attributes:
            parts.setdefault(attributes["ContentType"].strip(), attributes["PartName"].strip())
    return parts


def _office_kind(parts: dict[str, str]) -> str:
    for extension, content_type in _OFFICE_MAIN.items():
        if content_type in parts:
            return KNOWN_TYPES[extension].label
    for content_type, label in _OFFICE_OTHER.items():
        if content_type in parts:
            return label
    return "a ZIP archive"


def _check_text(upload: IO[bytes], *, head: bytes, extension: str) -> None:
    """UTF-8 (a BOM is fine), no NUL byte, no HTML page; JSON must also parse."""
    found = describe(head)
    # Unrecognised bytes fall through to the decoder, whose message points at the bad byte.
    if found not in ("text", "an XML document", "binary data of an unknown kind"):
        raise _mismatch(extension, found)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pieces: list[str] = []
    offset = 0
    chunk = head
    while chunk:
        if b"\x00" in chunk:
            raise _mismatch(extension, "binary data (it contains NUL bytes)")
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise _not_utf8(extension, offset + exc.start, chunk[exc.start]) from None
        if extension == "json":
            pieces.append(text)
        offset += len(chunk)
        chunk = upload.read(READ_CHUNK)
    try:
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(extension, offset + exc.start, None) from None
    if extension == "json":
        pieces.append(text)
        _check_json("".join(pieces))


def _check_json(text: str) -> None:
    """Refuse text that does not parse as JSON; every way parsing fails is a refusal, never a 500."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:  # e.g. "[" repeated 200,000 times
        detail = "it is nested too deeply to be read"
    except ValueError:  # e.g. an integer of 5,000 digits, over Python's conversion limit
        detail = "it holds a value that cannot be read, such as a number with thousands of digits"
    else:
        return
    raise FileTypeError(f"{NOT_JSON}: {detail}.")


def _not_utf8(extension: str, position: int, byte: int | None) -> FileTypeError:
    where = f"byte 0x{byte:02X} at position {position}" if byte is not None else "the file's end"
    return FileTypeError(
        f"The file is named .{extension} but it is not UTF-8 text ({where} is not valid UTF-8). "
        "Save it with UTF-8 encoding and upload it again."
    )


def _markup_kind(head: bytes) -> str | None:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:512].lower()
    for prefix, label in _MARKUP:
        if start.startswith(prefix):
            if prefix == b"<?xml":
                return "an SVG image" if b"<svg" in start else label
            return label
    return None


def _utf8_prefix_ok(head: bytes) -> bool:
    # The head may end inside a multi-byte character: decode without the final flag.
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head)
    except UnicodeDecodeError:
        return False
    return True
