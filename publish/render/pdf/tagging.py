"""Tagged PDF: the logical structure a screen reader follows (PDF/UA-1, PDF/A-2a).

The story knows what each flowable *is*, so it is tagged as it is made: every flowable
that draws text carries a `Node` (`flowable.struct`), a standard structure element (H1,
P, LBody, TOCI...) under its container (Document, Art, L, LI, BlockQuote, TOC). When the
frame draws a flowable, its content is wrapped in a marked-content sequence with the
next MCID of the page (`/P <</MCID 3>> BDC ... EMC`); a paragraph split across pages is
one element with one marked-content reference per page, since the split halves carry the
node (`TaggingFrame.split`). A list item's bullet or number is its own sequence (Lbl),
caught as the first text the item draws. Running heads, footers, folios and rules are
`/Artifact` sequences. A link annotation gets a Link element (with an object reference to
it), a `/StructParent`, `/Contents` and the print flag. At `save` the nodes become
`StructElem` objects in reading order (the story's), with `/Lang` where it differs from
the parent's and the logical text (`/ActualText`) on elements drawn glyph by glyph in
visual order (Arabic, Hebrew, Devanagari); nodes that drew nothing are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFString
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Frame

#: Structure types that hold content of their own (marked-content sequences); the others
#: only hold elements.
LEAVES = frozenset({"H1", "H2", "H3", "H4", "H5", "H6", "P", "Lbl", "LBody", "TOCI", "Caption"})
#: The print flag of an annotation (PDF/A: every annotation is printed as shown).
PRINT = 4


@dataclass(eq=False)
class Node:
    """A structure element to be: its type, its parent, what it says about itself."""

    role: str
    parent: Node | None = None
    #: BCP 47 tag, only where it differs from the parent's.
    lang: str | None = None
    #: The logical text, for an element whose glyphs are drawn in visual order.
    actual_text: str | None = None
    #: What a link annotation inside it leads to, said in words (its /Contents).
    describes: str | None = None
    #: PDF attributes (`/A`), such as a list's numbering.
    attributes: dict[str, str] | None = None
    children: list[Node] = field(default_factory=list)
    #: A list item's label, marked when the item draws its bullet or number.
    label: Node | None = None

    def child(self, role: str, lang: str | None = None, **kwargs: Any) -> Node:
        """A new element at the end of this one's children (reading order is creation order)."""
        node = Node(role, self, lang if lang and lang != self.language else None, **kwargs)
        self.children.append(node)
        return node

    @property
    def language(self) -> str | None:
        node: Node | None = self
        while node is not None:
            if node.lang:
                return node.lang
            node = node.parent
        return None

    @property
    def leaf(self) -> bool:
        return self.role in LEAVES


#: The role of flowables whose drawing is not content: rules and other decoration.
ARTIFACT = Node("Artifact")


def tag(flowable: Any, node: Node) -> Any:
    """`flowable`, carrying `node` (and its pieces after a split)."""
    flowable.struct = node
    return flowable


@dataclass
class _Link:
    node: Node
    key: int
    annotation: PDFObjectReference
    page: int


class Tagger:
    """What one canvas drew for each node: marked-content ids per page, link annotations."""

    def __init__(self) -> None:
        #: Page being drawn (0-based), and per page the node of each MCID.
        self.page = 0
        self.pages: list[list[Node]] = [[]]
        self.marks: dict[Node, list[tuple[int, int]]] = {}
        self.links: list[_Link] = []
        self.open: Node | None = None
        self._opened_at = 0
        #: A list item's label and body, until the item draws its bullet.
        self.pending: tuple[Node, Node] | None = None
        #: Next key of the parent tree: link annotations take theirs as they are made,
        #: pages theirs at `save`.
        self.next_key = 0

    def new_page(self) -> None:
        self.page += 1
        self.pages.append([])

    def _mark(self, canvas: Any, node: Node) -> None:
        marks = self.pages[self.page]
        self.marks.setdefault(node, []).append((self.page, len(marks)))
        canvas.addLiteral(f"/{node.role} <</MCID {len(marks)}>> BDC")
        marks.append(node)
        self.open = node
        self._opened_at = len(canvas._code)

    def begin(self, canvas: Any, node: Node, label: Node | None = None) -> None:
        """Open `node`'s content (or, for an item about to draw its bullet, wait for it)."""
        if label is not None:
            self.pending = (label, node)
            self.open = node
        else:
            self._mark(canvas, node)

    def end(self, canvas: Any) -> None:
        if self.pending is None:
            canvas.addLiteral("EMC")
        self.pending = self.open = None

    def cancel(self, canvas: Any, code_length: int) -> None:
        """Take back a `begin` whose flowable did not fit after all (nothing was drawn)."""
        if self.pending is None and self.open is not None:
            del canvas._code[code_length:]
            marks = self.pages[self.page]
            marks.pop()
            self.marks[self.open].pop()
            if not self.marks[self.open]:
                del self.marks[self.open]
        self.pending = self.open = None

    def label(self, canvas: Any, draw: Any) -> Any:
        """Draw a list item's bullet as its label, then open the item's body."""
        assert self.pending is not None
        label, body = self.pending
        self.pending = None
        self._mark(canvas, label)
        try:
            return draw()
        finally:
            canvas.addLiteral("EMC")
            self._mark(canvas, body)

    def interrupt(self, canvas: Any, draw: Any) -> None:
        """Draw, in the middle of the open node's content, something that is not content."""
        node = self.open
        assert node is not None and self.pending is None
        if len(canvas._code) == self._opened_at:  # nothing drawn yet: no empty sequence
            self.cancel(canvas, self._opened_at - 1)
        else:
            canvas.addLiteral("EMC")
        with artifact(canvas, "Layout"):
            draw()
        self._mark(canvas, node)

    def annotation(self, annotation: Any, contents: str) -> int:
        """Make a link annotation accessible and archival: its parent-tree key, /Contents
        in words and the print flag. Returns the key."""
        key = self.next_key
        self.next_key += 1
        if isinstance(annotation, PDFDictionary):  # canvas.linkURL's
            annotation["StructParent"] = key
            annotation["F"] = PRINT
            annotation["Contents"] = PDFString(contents)
        else:  # canvas.linkRect's LinkAnnotation: only the names it permits are written
            annotation.permitted = (*annotation.permitted, "StructParent")
            annotation.otherkw.update(StructParent=key, F=PRINT)
            annotation.Contents = contents
        return key

    def linked(self, key: int, reference: PDFObjectReference) -> None:
        """The annotation `key` was added to the page: a Link element inside the open node."""
        node = self.open or (self.pending[1] if self.pending else None)
        if node is None:
            raise ValueError("a link annotation outside any tagged content")
        self.links.append(_Link(node, key, reference, self.page))

    def write(self, document: Any, root: Node, page_refs: list[PDFObjectReference]) -> tuple[Any, list[int]]:
        """The structure tree as PDF objects: the StructTreeRoot, and each page's key in
        the parent tree (its /StructParents)."""
        links: dict[Node, list[_Link]] = {}
        for link in self.links:
            links.setdefault(link.node, []).append(link)
        kept = _kept(root, self.marks, links)
        references: dict[Node, PDFObjectReference] = {}
        parent_tree: dict[int, Any] = {}
        page_keys = [self.next_key + index for index in range(len(page_refs))]

        def element(node: Node, parent: PDFObjectReference) -> PDFObjectReference:
            entries = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(node.role), "P": parent})
            reference = document.Reference(entries, f"Struct{len(references)}")
            references[node] = reference
            kids: list[Any] = []
            marks = self.marks.get(node, [])
            page = marks[0][0] if marks else None
            if page is not None:
                entries["Pg"] = page_refs[page]
            for on, mcid in marks:
                if on == page:
                    kids.append(mcid)
                else:
                    mcr = {"Type": PDFName("MCR"), "Pg": page_refs[on], "MCID": mcid}
                    kids.append(PDFDictionary(mcr))
            for child in node.children:
                if child in kept:
                    kids.append(element(child, reference))
            for link in links.get(node, []):
                objr = {"Type": PDFName("OBJR"), "Obj": link.annotation, "Pg": page_refs[link.page]}
                entries_link = {
                    "Type": PDFName("StructElem"),
                    "S": PDFName("Link"),
                    "P": reference,
                    "Pg": page_refs[link.page],
                    "K": PDFArray([PDFDictionary(objr)]),
                }
                link_reference = document.Reference(PDFDictionary(entries_link), f"Struct{len(references)}L{link.key}")
                parent_tree[link.key] = link_reference
                kids.append(link_reference)
            entries["K"] = kids[0] if len(kids) == 1 and isinstance(kids[0], int) else PDFArray(kids)
            if node.lang:
                entries["Lang"] = PDFString(node.lang)
            if node.actual_text is not None:
                entries["ActualText"] = PDFString(node.actual_text)
            if node.attributes:
                entries["A"] = PDFDictionary({name: PDFName(value) for name, value in node.attributes.items()})
            return reference

        tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_reference = document.Reference(tree_root, "StructTreeRoot")
        tree_root["K"] = element(root, root_reference)
        for page, nodes in enumerate(self.pages[: len(page_refs)]):
            parent_tree[page_keys[page]] = PDFArray([references[node] for node in nodes])
        numbers: list[Any] = []
        for key in sorted(parent_tree):
            numbers += [key, parent_tree[key]]
        tree_root["ParentTree"] = document.Reference(PDFDictionary({"Nums": PDFArray(numbers)}), "ParentTree")
        tree_root["ParentTreeNextKey"] = self.next_key + len(page_refs)
        return root_reference, page_keys


def _kept(root: Node, marks: dict[Node, Any], links: dict[Node, Any]) -> set[Node]:
    """The nodes that drew something, and the containers of those."""
    kept: set[Node] = set()

    def visit(node: Node) -> bool:
        keep = node in marks or node in links
        for child in node.children:
            keep = visit(child) or keep
        if keep:
            kept.add(node)
        return keep

    visit(root)
    kept.add(root)
    return kept


class TaggingFrame(Frame):  # type: ignore[misc]
    """reportlab's frame, whose flowables draw inside their node's marked content (or as
    an artifact), and whose split pieces keep their node."""

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        node: Node | None = getattr(flowable, "struct", None)
        tagger: Tagger | None = getattr(canv, "tagger", None)
        if node is None or tagger is None or not (node.leaf or node is ARTIFACT):
            return super().add(flowable, canv, trySplit)  # type: ignore[no-any-return]
        start = len(canv._code)
        if node is ARTIFACT:
            canv.addLiteral("/Artifact <</Type /Layout>> BDC")
            added = super().add(flowable, canv, trySplit)
            if added:
                canv.addLiteral("EMC")
            else:
                del canv._code[start:]
            return added  # type: ignore[no-any-return]
        has_bullet = getattr(flowable, "bulletText", None) is not None or getattr(flowable, "bullet", None) is not None
        tagger.begin(canv, node, node.label if has_bullet else None)
        added = super().add(flowable, canv, trySplit)
        if added:
            tagger.end(canv)
        else:
            tagger.cancel(canv, start)
        return added  # type: ignore[no-any-return]

    def split(self, flowable: Any, canv: Any) -> list[Any]:
        parts: list[Any] = super().split(flowable, canv)
        node = getattr(flowable, "struct", None)
        if node is not None:
            for part in parts:
                if getattr(part, "struct", None) is None:
                    part.struct = node
        return parts


class TaggedCell:
    """A flowable drawn inside another (a table's cell): its own marked content."""

    struct: Node | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        tagger: Tagger | None = getattr(canvas, "tagger", None)
        if tagger is None or self.struct is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        tagger.begin(canvas, self.struct)
        super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        tagger.end(canvas)


@contextmanager
def artifact(canvas: Any, kind: str, subtype: str | None = None) -> Iterator[None]:
    """What is drawn inside is an artifact of `kind` (Pagination, Layout...), not content."""
    properties = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
    canvas.addLiteral(f"/Artifact <<{properties}>> BDC")
    yield
    canvas.addLiteral("EMC")


class LineText(PDFTextObject):  # type: ignore[misc]
    """reportlab's text object, ending each line of a paragraph with a space: the lines
    are drawn apart, and a reader of the text (a screen reader, `pdfinfo -struct-text`)
    would join the last word of one line to the first of the next. Not after a hyphen
    (the word goes on), nor in Chinese and Japanese, which break between characters."""

    spaced = True
    _last = ""

    def _textOut(self, text: str, TStar: int = 0) -> None:
        if TStar and self.spaced and not (text or self._last).endswith(_NO_SPACE_AFTER):
            text += " "
        if text:
            self._last = text
        super()._textOut(text, TStar)


#: A line ending with one of these goes on without a space: a hyphen, a soft hyphen, a space.
_NO_SPACE_AFTER = ("-", "\u00ad", "\u2010", "\u2011", " ")
