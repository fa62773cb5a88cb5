"""What the last build into a folder made, so unchanged articles are not rebuilt.

An article is up to date when the key of its input bytes, the chosen editions, the
options, the templates, the publish version and the rendering libraries' versions is the
one recorded, and each edition it wrote is still there with the recorded SHA-256.
Content hashes, not mtimes: touching a file rebuilds nothing; changing one byte anywhere
rebuilds what it affects.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from publish.version import __version__
from publish.editions import file_name
from publish.errors import OptionsError
from publish.fonts import fonts_digest
from publish.options import RenderOptions
from publish.output import folder_lock, sha256, write_atomic
from publish.templates import pdf_font_family, search_path

STATE_FILE = ".publish-state.json"


@dataclass(frozen=True)
class Entry:
    key: str
    slug: str
    date: datetime.date | None
    editions: dict[str, str]


class BuildState:
    """The folder's record of built articles, loaded before and saved after a build."""

    def __init__(self, folder: Path, settings: str, entries: dict[str, Entry],
                 formats: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.formats = formats
        self.settings = settings
        self.entries = entries
        self.changed = False
        self._fresh: dict[str, str] = {}

    @classmethod
    def load(cls, folder: Path, formats: tuple[str, ...], options: RenderOptions,
             encoding: str | None) -> BuildState:
        settings = _settings_key(formats, options, encoding)
        entries: dict[str, Entry] = {}
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            for name, raw in data.get("articles", {}).items():
                date = datetime.date.fromisoformat(raw["date"]) if raw.get("date") else None
                entries[name] = Entry(raw["key"], raw["slug"], date, dict(raw["editions"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            entries = {}  # no record, or an unreadable one: everything is rebuilt
        return cls(folder, settings, entries, formats)

    def _key(self, input_digest: str) -> str:
        return hashlib.sha256(f"{self.settings}\0{input_digest}".encode()).hexdigest()

    def current(self, source: Path, input_digest: str | None = None) -> Entry | None:
        """The record for `source` if its editions are up to date, else None. (A digest
        passes the digest of all its inputs; an article's file is hashed here.)"""
        entry = self.entries.get(_name(source))
        if entry is None:
            return None
        try:
            input_digest = input_digest or sha256(source)
        except OSError:
            return None
        if entry.key != self._key(input_digest):
            return None
        if set(entry.editions) != {file_name(entry.slug, name) for name in self.formats}:
            return None  # a record that lost editions (or was edited) proves nothing
        for name, digest in entry.editions.items():
            path = self.folder / name
            try:
                if not path.is_file() or sha256(path) != digest:
                    return None
            except OSError:
                return None  # an edition that cannot be read proves nothing: rebuild it
        self._fresh.update(entry.editions)
        return entry

    def record(self, source: Path, input_digest: str, slug: str, date: datetime.date | None,
               digests: dict[str, str]) -> None:
        """Remember what `source` produced from the input with `input_digest` (the bytes
        actually rendered, not the file as it may be now): edition file name -> SHA-256."""
        self.entries[_name(source)] = Entry(self._key(input_digest), slug, date, dict(digests))
        self.changed = True
        self._fresh.update(digests)

    def owner_of(self, slug: str, source: Path) -> str | None:
        """Another source whose editions of `slug` are still in the folder, if any."""
        me = _name(source)
        for name, entry in self.entries.items():
            if entry.slug == slug and name != me and any((self.folder / f).is_file() for f in entry.editions):
                return name
        return None

    def known_digests(self) -> dict[str, str]:
        """Digests of editions written or verified by this build (no need to hash again)."""
        return dict(self._fresh)

    def forget(self, source: Path) -> None:
        if self.entries.pop(_name(source), None) is not None:
            self.changed = True

    def save(self) -> None:
        """Write the record (atomically, under the folder lock) if this build changed it."""
        if not self.changed:
            return
        articles = {name: {"key": e.key, "slug": e.slug, "date": e.date.isoformat() if e.date else None,
                           "editions": e.editions} for name, e in sorted(self.entries.items())}
        payload = json.dumps({"publish": __version__, "articles": articles}, indent=1, sort_keys=True)
        with folder_lock(self.folder):
            write_atomic(self.folder, STATE_FILE, (payload + "\n").encode("utf-8"))


def _name(source: Path) -> str:
    """Records are kept by absolute, resolved path."""
    return str(source.resolve())


def _settings_key(formats: tuple[str, ...], options: RenderOptions, encoding: str | None) -> str:
    """Everything besides the input that shapes the editions, as one string."""
    templates = hashlib.sha256()
    for folder in search_path(options.template_dirs):
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            try:
                templates.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
            except OSError as error:
                raise OptionsError(f"cannot read the template: {error.strerror}", path=str(path)) from None
    fonts = fonts_digest(pdf_font_family(options.template_dirs, options.font)) if "pdf" in formats else None
    return json.dumps({"version": __version__, "formats": formats, "options": options.key(),
                       "encoding": encoding, "templates": templates.hexdigest(), "fonts": fonts,
                       "libraries": library_versions()}, sort_keys=True)


#: Libraries an upgrade of which can change an edition's bytes.
RENDERING_LIBRARIES = ("anyascii", "charset-normalizer", "ebooklib", "fonttools", "jinja2", "pyphen",
                       "reportlab", "wcwidth", "babel", "pillow")


def library_versions() -> dict[str, str]:
    """Installed versions of the rendering libraries: upgrading one rebuilds everything."""
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str] = {}
    for name in RENDERING_LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "absent"
    return versions
