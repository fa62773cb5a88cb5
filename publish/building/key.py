"""The rebuild key: everything besides an article's input that shapes its editions.

One key every edition of an article shares (the publish and library versions, how inputs
are read, how files are named) and one per edition (the render options that shape it, by
the settings table's `shapes_editions`; what the template folders hold for it; its
fonts), so a change rebuilds only the editions it shapes; their digests, and the key of
the edition a recorded file is. `publish.building.record` records them; nothing else
computes them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from publish.editions import edition_of
from publish.errors import OptionsError
from publish.fonts import fonts_digest
from publish.options import RenderOptions
from publish.templates import pdf_font_family, search_path
from publish.version import __version__


def shared_digest(common: str) -> str:
    """The digest of the key every edition of an article shares (the record's `settings`)."""
    return hashlib.sha256(common.encode()).hexdigest()


def edition_key_of(name: str, edition_keys: dict[str, str]) -> str | None:
    """The key of the edition a file `name` is (None for one this build does not make)."""
    kind = edition_of(name.rpartition("/")[2])
    return edition_keys.get(kind.name) if kind is not None else None


def edition_digests(formats: tuple[str, ...], edition_settings: dict[str, str]) -> dict[str, str]:
    """Per edition, the digest of what shapes it alone (the edition's key)."""
    return {kind: hashlib.sha256(f"{kind}\0{edition_settings.get(kind, '')}".encode()).hexdigest() for kind in formats}


def rebuild_keys(
    formats: tuple[str, ...], options: RenderOptions, encoding: str | None, layout: str = "flat"
) -> tuple[str, dict[str, str]]:
    """The rebuild keys, as text: the one every edition shares (publish and library
    versions, how inputs are read, how files are named) and one per edition (the render
    options that shape it, by the settings table's `shapes_editions`, what the template
    folders hold for it, its fonts), so a change rebuilds only the editions it shapes."""
    from publish.settings import shaping_options

    common = json.dumps(
        {"version": __version__, "layout": layout, "encoding": encoding, "libraries": library_versions()},
        sort_keys=True,
    )
    templates = template_digests(options.template_dirs, formats)
    keys = {
        kind: json.dumps(
            {
                "edition": kind,
                "options": shaping_options(kind, options),
                "templates": templates[kind],
                "fonts": fonts_digest(pdf_font_family(options.template_dirs, options.font)) if kind == "pdf" else None,
            },
            sort_keys=True,
            default=str,
        )
        for kind in formats
    }
    return common, keys


def template_digests(user_dirs: tuple[Path, ...], formats: tuple[str, ...]) -> dict[str, str]:
    """Per edition, a digest of what the template search path holds for it: the files in
    each folder's `<edition>/` folder, and for an edition made from templates (the
    `templates` setting's `shapes_editions`) every file not in another edition's folder.
    A folder that holds nothing for an edition leaves its digest as it was; each file is
    read once, in blocks (a huge file there is hashed, not held)."""
    from publish.editions import BY_NAME as EDITIONS_BY_NAME
    from publish.settings import BY_NAME as SETTINGS_BY_NAME

    templated = [kind for kind in formats if kind in SETTINGS_BY_NAME["templates"].shapes_editions]
    found: dict[str, list[list[str]]] = {kind: [] for kind in formats}
    for folder in search_path(user_dirs):
        held: dict[str, list[str]] = {kind: [] for kind in formats}
        for path in _files_below(Path(folder)):
            relative = path.relative_to(folder)
            first = relative.parts[0] if len(relative.parts) > 1 else ""
            targets = [first] if first in EDITIONS_BY_NAME else templated
            targets = [kind for kind in targets if kind in held]
            if not targets:
                continue
            digest = hashlib.sha256()
            try:
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
            except OSError as error:
                raise OptionsError(f"cannot read the template: {error.strerror}", path=str(path)) from None
            for kind in targets:
                held[kind].append(f"{relative.as_posix()}\0{digest.hexdigest()}")
        for kind, files in held.items():
            if files:
                found[kind].append(files)
    return {kind: hashlib.sha256(json.dumps(folders).encode()).hexdigest() for kind, folders in found.items()}


def _files_below(top: Path) -> list[Path]:
    """Every file below `top`, sorted, found by a walk with a stack (no recursion: a
    template folder nested thousands deep is walked as any other)."""
    found: list[Path] = []
    walking = [top]
    while walking:
        here = walking.pop()
        try:
            with os.scandir(here) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        walking.append(Path(entry.path))
                    elif entry.is_file():
                        found.append(Path(entry.path))
        except OSError as error:
            raise OptionsError(f"cannot read the template folder: {error.strerror}", path=str(here)) from None
    return sorted(found)


#: Libraries an upgrade of which can change an edition's bytes: the declared ones, and
#: markupsafe (jinja2's escaping) and numpy (py3langid's arithmetic names a language).
RENDERING_LIBRARIES = (
    "anyascii",
    "charset-normalizer",
    "ebooklib",
    "fonttools",
    "jinja2",
    "pyphen",
    "reportlab",
    "wcwidth",
    "babel",
    "pillow",
    "python-bidi",
    "rl_accel",
    "uharfbuzz",
    "lxml",
    "py3langid",
    "markupsafe",
    "numpy",
)


def library_versions() -> dict[str, str]:
    """Installed versions of the rendering libraries: upgrading one rebuilds everything.
    Read from the `*.dist-info` folder names on `sys.path` in one listing per folder
    (asking `importlib.metadata` once per library costs a no-op build 50 ms); a library
    not found that way is asked for."""
    import re
    import sys

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    wanted = {normal(name): name for name in RENDERING_LIBRARIES}
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, found = name[: -len(".dist-info")].partition("-")
                library = wanted.get(normal(project))
                if library is not None and library not in versions:
                    versions[library] = found
    for name in RENDERING_LIBRARIES:
        if name not in versions:
            from importlib.metadata import PackageNotFoundError, version  # 9 ms to import: only when needed

            try:
                versions[name] = version(name)
            except PackageNotFoundError:
                versions[name] = "absent"
    import zlib  # compresses every EPUB entry and PDF stream: zlib-ng writes other bytes

    return {**{name: versions[name] for name in RENDERING_LIBRARIES}, "zlib": zlib.ZLIB_RUNTIME_VERSION}
