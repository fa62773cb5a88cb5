"""publish's own structural checker for tagged, archival PDFs (PDF/UA-1, PDF/A-2a), on pypdf.

`problems(data)` lists what is wrong with a PDF, each as "code: detail" ([] for a sound
one). It reads the file as a reader would, independently of how publish wrote it:

- catalog: MarkInfo /Marked true, a StructTreeRoot, /Lang, DisplayDocTitle, an sRGB
  output intent, an unfiltered XMP stream naming PDF/A-2a and PDF/UA-1 and the title;
- content: every text-showing and painting operator inside a marked-content sequence
  with an MCID or inside an /Artifact; no MCID sequence inside another or inside an
  artifact; MCIDs unique on their page;
- structure: each page's parent-tree entry names, for every MCID, the element whose /K
  claims it on that page, and every claim is drawn; headings nested (the first is H1,
  no level skipped);
- links: each annotation has /StructParent naming a Link element that holds it (OBJR),
  /Contents and the print flag; pages with annotations have /Tabs /S;
- file syntax and fonts: an end-of-line before every `endstream`; no ToUnicode entry
  mapping to U+0000, U+FEFF or U+FFFE, and a mapping for every code shown.

`struct_text(path)` is poppler's `pdfinfo -struct-text`: the text of the structure tree.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

#: Operators that show text or paint: what must be tagged content or an artifact.
SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})
PAINTING = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"INLINE IMAGE"})
#: A ToUnicode value no text may map to (PDF/UA-1 7.21.7, PDF/A-2 6.2.11.7.2).
FORBIDDEN_UNICODE = frozenset({0x0000, 0xFEFF, 0xFFFE})


def problems(data: bytes) -> list[str]:
    """What keeps `data` from being a tagged, archival PDF as publish promises it."""
    found: list[str] = []
    if re.search(rb"[^\r\n]endstream\s+endobj", data):  # the keyword, not a word of a title
        found.append("eol: a stream's data runs into `endstream` with no end-of-line between")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    found += _catalog(root)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    drawn: dict[int, list[int]] = {}  # page -> MCIDs in its content
    for index, page in enumerate(reader.pages):
        mcids, content = _content(page, reader)
        drawn[index] = mcids
        found += [f"{problem} (page {index + 1})" for problem in content]
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return found
    tree = tree.get_object()
    claims, links, headings = _elements(tree, pages)
    parents = _number_tree(tree.get("/ParentTree"))
    for index, page in enumerate(reader.pages):
        seen = drawn[index]
        if len(set(seen)) != len(seen):
            found.append(f"mcid: an MCID used twice on page {index + 1}")
        claimed = sorted(mcid for (on, mcid) in claims if on == index)
        if sorted(set(seen)) != claimed:
            found.append(f"claims: page {index + 1} draws MCIDs {sorted(set(seen))}, elements claim {claimed}")
        key = page.get("/StructParents")
        if seen and key is None:
            found.append(f"parent-tree: page {index + 1} has content but no /StructParents")
            continue
        if key is None:
            continue
        entry = parents.get(int(key))
        array = entry.get_object() if entry is not None else None
        if not isinstance(array, ArrayObject):
            found.append(f"parent-tree: no array for page {index + 1} (key {key})")
            continue
        for mcid in set(seen):
            owner = claims.get((index, mcid))
            named = array[mcid].get_object() if mcid < len(array) and array[mcid] is not None else None
            if owner is None or named is None or named.indirect_reference != owner:
                found.append(f"parent-tree: MCID {mcid} of page {index + 1} names another element than its own")
        found += _annotations(page, index, parents, links)
    found += _nesting(headings)
    found += _to_unicode(reader)
    return found


def _catalog(root: Any) -> list[str]:
    found = []
    if str(root.get("/MarkInfo", {}).get("/Marked")) != "True":
        found.append("catalog: MarkInfo /Marked is not true")
    if "/StructTreeRoot" not in root:
        found.append("catalog: no StructTreeRoot")
    if not str(root.get("/Lang", "")):
        found.append("catalog: no /Lang")
    if str(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")) != "True":
        found.append("catalog: the title is not displayed (DisplayDocTitle)")
    intents = [intent.get_object() for intent in root.get("/OutputIntents", [])]
    if not any(
        intent.get("/S") == "/GTS_PDFA1" and intent["/DestOutputProfile"].get_object().get("/N") == 3
        for intent in intents
    ):
        found.append("catalog: no sRGB output intent (GTS_PDFA1, an RGB profile)")
    metadata = root.get("/Metadata")
    if metadata is None:
        return [*found, "xmp: no metadata stream"]
    metadata = metadata.get_object()
    if "/Filter" in metadata:
        found.append("xmp: the metadata stream has a /Filter")
    xmp = metadata.get_data().decode("utf-8", "replace")
    for needed in ("<pdfaid:part>2<", "<pdfaid:conformance>A<", "<pdfuaid:part>1<", "<dc:title>"):
        if needed not in xmp:
            found.append(f"xmp: {needed.strip('<>')} missing")
    return found


def _content(page: Any, reader: PdfReader) -> tuple[list[int], list[str]]:
    """The MCIDs a page's content draws, in order, and what is drawn outside any."""
    contents = page.get_contents()
    if contents is None:
        return [], []
    found: list[str] = []
    mcids: list[int] = []
    stack: list[tuple[str, int | None]] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator in (b"BDC", b"BMC"):
            tag = str(operands[0])
            properties = operands[1] if operator == b"BDC" and len(operands) > 1 else None
            mcid = properties.get("/MCID") if isinstance(properties, DictionaryObject) else None
            if mcid is not None:
                if any(entry[1] is not None for entry in stack):
                    found.append("nesting: a marked-content sequence with an MCID inside another")
                if any(entry[0] == "/Artifact" for entry in stack):
                    found.append("nesting: tagged content inside an artifact")
                mcids.append(int(mcid))
            stack.append((tag, None if mcid is None else int(mcid)))
        elif operator == b"EMC":
            if not stack:
                found.append("nesting: EMC without a sequence to close")
            else:
                stack.pop()
        elif operator in SHOWING or operator in PAINTING:
            tagged = any(mcid is not None for _, mcid in stack)
            artifact = any(tag == "/Artifact" for tag, _ in stack)
            if not (tagged or artifact):
                found.append(f"untagged: {operator.decode()} outside tagged content and artifacts")
    if stack:
        found.append("nesting: a marked-content sequence is never closed")
    return mcids, sorted(set(found), key=found.index)


def _elements(
    tree: Any, pages: dict[int, int]
) -> tuple[dict[tuple[int, int], Any], dict[int, Any], list[tuple[int, Any]]]:
    """The structure tree walked in its order: (page, MCID) -> the element claiming it,
    annotation object number -> its Link element, and the headings met (level, element)."""
    claims: dict[tuple[int, int], Any] = {}
    links: dict[int, Any] = {}
    headings: list[tuple[int, Any]] = []

    def page_of(item: Any, inherited: int | None) -> int | None:
        page = item.get("/Pg")
        return pages.get(page.idnum) if page is not None else inherited

    def kids(value: Any) -> list[Any]:
        value = value.get_object() if isinstance(value, IndirectObject) else value
        return list(value) if isinstance(value, ArrayObject) else [] if value is None else [value]

    def visit(reference: Any, inherited: int | None) -> None:
        element = reference.get_object()
        role = str(element.get("/S", ""))
        if re.fullmatch(r"/H[1-6]", role):
            headings.append((int(role[2]), reference))
        page = page_of(element, inherited)
        for kid in kids(element.get("/K")):
            if isinstance(kid, int) or (hasattr(kid, "as_numeric") and not isinstance(kid, IndirectObject)):
                claims[(page if page is not None else -1, int(kid))] = reference
                continue
            target = kid.get_object()
            kind = str(target.get("/Type", "/StructElem"))
            if kind == "/MCR":
                claims[(page_of(target, page) or -1, int(target["/MCID"]))] = reference
            elif kind == "/OBJR":
                links[target.raw_get("/Obj").idnum] = reference
            else:
                visit(kid, page)

    for top in kids(tree.get("/K")):
        visit(top, None)
    return claims, links, headings


def _number_tree(reference: Any) -> dict[int, Any]:
    """A number tree's entries (its /Nums, and its /Kids')."""
    if reference is None:
        return {}
    node = reference.get_object()
    entries: dict[int, Any] = {}
    numbers = node.get("/Nums", [])
    for position in range(0, len(numbers) - 1, 2):
        entries[int(numbers[position])] = numbers[position + 1]
    for kid in node.get("/Kids", []):
        entries.update(_number_tree(kid))
    return entries


def _annotations(page: Any, index: int, parents: dict[int, Any], links: dict[int, Any]) -> list[str]:
    found = []
    annotations = page.get("/Annots") or []
    if annotations and page.get("/Tabs") != "/S":
        found.append(f"links: page {index + 1} has annotations but its /Tabs is not /S")
    for annotation in annotations:
        number = annotation.idnum
        annotation = annotation.get_object()
        key = annotation.get("/StructParent")
        link = links.get(number)
        if key is None or link is None:
            found.append(f"links: an annotation on page {index + 1} is in no Link element")
            continue
        named = parents.get(int(key))
        if named is None or named.get_object().indirect_reference != link or link.get_object()["/S"] != "/Link":
            found.append(f"links: the parent tree names another element for an annotation on page {index + 1}")
        if not int(annotation.get("/F", 0)) & 4:
            found.append(f"links: an annotation on page {index + 1} is not printed (/F)")
        if not str(annotation.get("/Contents", "")):
            found.append(f"links: an annotation on page {index + 1} says nothing (/Contents)")
    return found


def _nesting(headings: list[tuple[int, Any]]) -> list[str]:
    found = []
    if headings and headings[0][0] != 1:
        found.append(f"headings: the first heading is H{headings[0][0]}, not H1")
    deepest = 0
    for level, _ in headings:
        if level > deepest + 1:
            found.append(f"headings: H{level} follows H{deepest}")
        deepest = level
    return found


_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _cmap(data: bytes) -> dict[int, int]:
    """A ToUnicode CMap's code -> first Unicode value (bfchar and bfrange entries)."""
    mapped: dict[int, int] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in _PAIR.findall(section):
            mapped[int(code, 16)] = int(value[:4], 16)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, value in _RANGE.findall(section):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapped[code] = int(value[:4], 16) + offset
    return mapped


def _to_unicode(reader: PdfReader) -> list[str]:
    """Every code a page shows has a ToUnicode value, and none is a forbidden one."""
    found: list[str] = []
    maps: dict[int, dict[int, int]] = {}
    for number, page in enumerate(reader.pages, start=1):
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        by_name: dict[str, dict[int, int]] = {}
        for name, font in fonts.items():
            key = font.idnum
            if key not in maps:
                stream = font.get_object().get("/ToUnicode")
                maps[key] = _cmap(stream.get_object().get_data()) if stream is not None else {}
                bad = sorted(code for code, value in maps[key].items() if value in FORBIDDEN_UNICODE)
                if bad:
                    found.append(f"unicode: font {name} maps code {bad[0]} to a forbidden value")
            by_name[str(name)] = maps[key]
        contents = page.get_contents()
        if contents is None:
            continue
        current: dict[int, int] = {}
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"Tf":
                current = by_name.get(str(operands[0]), {})
            elif operator in SHOWING:
                strings = operands[-1] if operator != b"TJ" else [item for item in operands[0] if not _number(item)]
                for string in strings if operator == b"TJ" else [strings]:
                    codes = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
                    unmapped = [code for code in codes if code not in current]
                    if unmapped:
                        found.append(f"unicode: page {number} shows code {unmapped[0]} with no ToUnicode value")
                        break
    return sorted(set(found), key=found.index)


def _number(item: Any) -> bool:
    return isinstance(item, (int, float)) or hasattr(item, "as_numeric")


def struct_text(path: Path) -> str:
    """The text poppler reads from the structure tree (`pdfinfo -struct-text`), element by element."""
    printed = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    return "\n".join(match for match in re.findall(r'^\s*"(.*)"$', printed, re.M))


def validate(data: bytes) -> list[str]:
    """page-validation's failures for PDF/UA-1 and PDF/A-2a, as "profile rule: message"."""
    import page

    failures = []
    for profile in (page.ValidationProfile.PDF_UA_1, page.ValidationProfile.PDF_A_2A):
        try:
            report = page.validate_pdf_bytes(data, profile=profile)
        except page.ParseError as error:
            failures.append(f"{profile.value} parse: {error}")
            continue
        failures += [f"{profile.value} {failure.rule_id}: {failure.message}" for failure in report.failures]
        if not report.is_compliant and not report.failures:
            failures.append(f"{profile.value}: not compliant")
    return failures
