"""Defaults for every option, from `publish.toml` or `[tool.publish]` in `pyproject.toml`.

The command line overrides the file; the file overrides the built-in defaults. An
unknown key is an error that names the key and its line, so a typo never passes
silently.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.errors import OptionsError

#: key -> (type, built-in default, help). The one list of what can be configured.
SETTINGS: dict[str, tuple[type, Any, str]] = {
    "out": (str, "dist", "folder the editions are written to"),
    "formats": (list, ["epub", "pdf", "txt"], "editions to build"),
    "ascii": (bool, False, "also write the 7-bit text edition"),
    "width": (int, 72, "column width of the text edition"),
    "paper": (str, "auto", "PDF paper: auto, A4 or Letter"),
    "font": (str, "", "PDF body font family or .ttf file (empty: the style file's)"),
    "publisher": (str, "", "publisher credited in the editions"),
    "language": (str, "en", "language of articles that do not say"),
    "templates": (list, [], "template folders searched before the built-in ones"),
    "encoding": (str, "", "encoding of the inputs (empty: detect)"),
    "strict": (bool, False, "warnings that mean lost text become errors"),
    "jobs": (int, 0, "articles rendered at once (0: all cores)"),
}


@dataclass(frozen=True)
class Config:
    """The effective settings and where they came from."""

    values: dict[str, Any]
    source: Path | None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def load_config(folder: Path = Path(".")) -> Config:
    """`publish.toml` if present, else `[tool.publish]` of `pyproject.toml`, else defaults."""
    values = {key: default for key, (_, default, _) in SETTINGS.items()}
    for name, table_path in (("publish.toml", ()), ("pyproject.toml", ("tool", "publish"))):
        path = folder / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise OptionsError(f"not valid TOML: {error}", path=str(path)) from None
        for part in table_path:
            data = data.get(part, {}) if isinstance(data, dict) else {}
        if name == "pyproject.toml" and not data:
            continue
        for key, value in data.items():
            values[key] = _checked(key, value, path, text)
        return Config(values, path)
    return Config(values, None)


def _checked(key: str, value: Any, path: Path, text: str) -> Any:
    line = _line_of(key, text)
    if key not in SETTINGS:
        raise OptionsError(f"unknown setting {key!r}", path=str(path), line=line,
                           hint=f"known settings: {', '.join(SETTINGS)}")
    kind = SETTINGS[key][0]
    if kind is list and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise OptionsError(f"setting {key!r} must be {kind.__name__}, not {type(value).__name__}",
                           path=str(path), line=line)
    return value


def _line_of(key: str, text: str) -> int | None:
    found = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def render_config(config: Config) -> str:
    """The effective settings as TOML, ready to paste into publish.toml."""
    lines = [f"# effective settings{f' (from {config.source})' if config.source else ' (built-in defaults)'}"]
    for key, (_, _, help_text) in SETTINGS.items():
        lines.append(f"{key} = {_toml(config.values[key])}  # {help_text}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
