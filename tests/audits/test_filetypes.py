"""Content sniffing: a file is accepted only when its bytes are of the type its name claims."""

import io

import pytest

from audits import filetypes
from tests.audits.evidence_samples import ELF, HTML, JPEG, PDF, PNG, WINDOWS_EXE, office, plain_zip


def check(data: bytes, extension: str) -> filetypes.FileType:
    return filetypes.check_content(io.BytesIO(data), extension=extension)


@pytest.mark.parametrize(
    ("data", "extension", "content_type"),
    [
        (PDF, "pdf", "application/pdf"),
        (PNG, "png", "image/png"),
        (JPEG, "jpg", "image/jpeg"),
        (JPEG, "JPEG", "image/jpeg"),
        (b"Plain notes\n", "txt", "text/plain; charset=utf-8"),
        ("# Model card\n\nÉquité ✓\n".encode(), "md", "text/markdown; charset=utf-8"),
        (b"\xef\xbb\xbfgroup,rate\nA,0.5\n", "csv", "text/csv; charset=utf-8"),
        (b'{"ratio": 0.82}', "json", "application/json"),
        (b"\xef\xbb\xbf[1, 2]", "json", "application/json"),
        (office("docx"), "docx", filetypes.KNOWN_TYPES["docx"].content_type),
        (office("xlsx"), "xlsx", filetypes.KNOWN_TYPES["xlsx"].content_type),
        (office("pptx"), "pptx", filetypes.KNOWN_TYPES["pptx"].content_type),
    ],
)
def test_content_matching_its_extension_is_accepted(data, extension, content_type):
    assert check(data, extension).content_type == content_type


@pytest.mark.parametrize(
    ("data", "extension", "found"),
    [
        (HTML, "pdf", "an HTML document"),
        (HTML, "png", "an HTML document"),
        (WINDOWS_EXE, "pdf", "a Windows executable"),
        (ELF, "png", "a Linux executable (ELF)"),
        (PNG, "jpg", "a PNG image"),
        (PDF, "docx", "a PDF document"),
        (plain_zip(), "docx", "a ZIP archive"),
        (office("xlsx"), "docx", "an Excel workbook (xlsx)"),
        (office("docx"), "pptx", "a Word document (docx)"),
        (office("docm"), "docx", "a macro-enabled Word document (docm)"),
        (
            office("docx", with_main_part=False),
            "docx",
            "a ZIP archive without its main part (word/document.xml)",
        ),
        (b"PK\x03\x04 not really a zip", "xlsx", "a damaged or unsupported ZIP archive"),
        (HTML, "txt", "an HTML document"),
        (b"  <html><body>hi</body></html>", "md", "an HTML document"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "txt", "an SVG image"),
        (PDF, "csv", "a PDF document"),
        (WINDOWS_EXE, "txt", "a Windows executable"),
        ("notes".encode("utf-16"), "txt", "UTF-16 text"),
        (b"", "pdf", "an empty file"),
        (b"just some text", "png", "text"),
    ],
)
def test_content_of_another_type_is_refused_naming_what_it_is(data, extension, found):
    with pytest.raises(filetypes.FileTypeError) as excinfo:
        check(data, extension)
    assert f"The file is named .{extension.lower()} but its content is {found}" in str(
        excinfo.value
    )


def test_text_with_a_nul_byte_is_refused():
    with pytest.raises(filetypes.FileTypeError, match="contains NUL bytes"):
        check(b"a,b\n1,2\x00\n", "csv")


def test_text_that_is_not_utf8_is_refused_naming_the_byte():
    with pytest.raises(filetypes.FileTypeError) as excinfo:
        check("café au lait".encode("latin-1"), "txt")
    assert str(excinfo.value) == (
        "The file is named .txt but it is not UTF-8 text (byte 0xE9 at position 3 is not valid "
        "UTF-8). Save it with UTF-8 encoding and upload it again."
    )


def test_invalid_utf8_after_the_first_block_is_found():
    data = b"a" * (filetypes.HEAD_BYTES + 10) + b"\xff tail"
    with pytest.raises(filetypes.FileTypeError, match=f"position {filetypes.HEAD_BYTES + 10}"):
        check(data, "txt")


def test_a_multibyte_character_across_blocks_is_fine():
    data = b"a" * (filetypes.HEAD_BYTES - 1) + "é".encode() + b" end"
    assert check(data, "txt").extension == "txt"


def test_text_cut_inside_a_character_is_refused():
    with pytest.raises(filetypes.FileTypeError, match="the file's end is not valid UTF-8"):
        check(b"ok \xc3", "txt")


def test_json_must_parse():
    with pytest.raises(filetypes.FileTypeError) as excinfo:
        check(b'{"ratio": 0.82,}', "json")
    assert str(excinfo.value).startswith("The file is named .json but it is not valid JSON:")
    assert "line 1" in str(excinfo.value)


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"[" * 200_000, "it is nested too deeply to be read"),
        (b'{"n": ' + b"7" * 5000 + b"}", "such as a number with thousands of digits"),
    ],
    ids=["nested too deeply", "5000-digit integer"],
)
def test_json_that_python_cannot_parse_is_not_valid_json(data, detail):
    with pytest.raises(filetypes.FileTypeError) as excinfo:
        check(data, "json")
    assert str(excinfo.value).startswith(filetypes.NOT_JSON + ": ")
    assert str(excinfo.value).endswith(detail + ".")


def test_office_file_with_macros_is_refused():
    data = office("docx", extra={"word/vbaProject.bin": b"\x00macro"})
    with pytest.raises(filetypes.FileTypeError, match="with macros"):
        check(data, "docx")


def test_a_type_that_cannot_be_checked_is_refused():
    with pytest.raises(filetypes.FileTypeError, match=r"\.gif files cannot be checked"):
        check(b"GIF89a...", "gif")


def test_check_leaves_the_file_at_its_start():
    stream = io.BytesIO(b"x" * 100_000)
    filetypes.check_content(stream, extension="txt")
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("report.PDF", "pdf"),
        ("archive.tar.gz", "gz"),
        ("no_extension", ""),
        (".bashrc", ""),
        ("C:\\Users\\me\\scan.png", "png"),
        ("trailing.", ""),
    ],
)
def test_extension_of(name, extension):
    assert filetypes.extension_of(name) == extension


@pytest.mark.parametrize(
    ("head", "label"),
    [
        (b"\x1f\x8b\x08", "a gzip archive"),
        (b"#!/bin/sh\n", "a script"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file (doc, xls or ppt)"),
        (b"\x00\x01\x02\x03", "binary data of an unknown kind"),
        (b"hello", "text"),
    ],
)
def test_describe_names_common_kinds(head, label):
    assert filetypes.describe(head) == label
