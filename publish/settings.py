"""The one table of settings, and everything derived from it.

Each setting is declared once (`SETTINGS`): its name, type, default, help, command-line
flag, how its value is checked, and which editions it shapes (so a change of it
rebuilds exactly those: each edition's rebuild key holds the settings that shape it).
From this table come the command-line options of `build` and `collect`, the reading and
type-checking of `publish.toml` / `[tool.publish]`, `publish config`, the
`RenderOptions` a build renders with and each edition's share of the rebuild key
(`shaping_options`), as Sphinx derives everything from its one table of config values.

Precedence: the command line, then the configuration file, then the defaults here.
"""

from __future__ import annotations

import codecs
import datetime
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.editions import EDITIONS
from publish.errors import OptionsError, PublishError
from publish.language import DEFAULT
from publish.options import RenderOptions


def _formats(value: Any) -> list[str]:
    from publish.editions import parse_formats

    return list(parse_formats(value))


def _out(value: Any) -> str:
    if not value.strip():
        raise ValueError("expected a folder name (an empty one would write into the working folder)")
    return str(value)


def _paper(value: Any) -> str:
    for choice in ("auto", "A4", "Letter"):
        if str(value).lower() == choice.lower():
            return choice
    raise ValueError("expected auto, A4 or Letter")


def _width(value: Any) -> int:
    if not 20 <= value <= 400:
        raise ValueError("expected a whole number from 20 to 400")
    return int(value)


def _jobs(value: Any) -> int:
    if not 0 <= value <= 256:
        raise ValueError("expected a whole number from 0 (all cores) to 256")
    return int(value)


def _language(value: Any) -> str:
    from publish.language import normalise_tag

    try:
        return normalise_tag(value)
    except PublishError as error:
        raise ValueError(error.hint or error.message) from None


#: Codecs Python counts as text encodings that are no encoding of a text file: they
#: encode domain names or escapes, or refuse everything.
NOT_FILE_ENCODINGS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"})


def _encoding(value: Any) -> str:
    if value == "":
        return value
    try:
        info = codecs.lookup(value)
    except LookupError:
        raise ValueError("not an encoding Python knows (for example utf-8, cp1252, cp1251)") from None
    if not info._is_text_encoding:  # rot13, base64, zlib... are codecs, not text encodings
        raise ValueError(f"{value} is not a text encoding")
    if info.name in NOT_FILE_ENCODINGS:
        raise ValueError(f"{value} is not an encoding of text files (for example utf-8, cp1252, cp1251)")
    return value


def _unfit_in_a_line(char: str) -> bool:
    """C0 and C1 controls (NEL among them), DEL, line and paragraph separators, noncharacters."""
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029)
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def single_line(value: str) -> str:
    """A one-line text value (a publisher, a digest's title) with its spaces collapsed;
    ValueError for control characters and noncharacters, and for bytes that are not
    UTF-8 (given on a command line, they arrive as surrogates)."""
    bad = next((char for char in value if "\ud800" <= char <= "\udfff"), None)
    if bad is not None:
        raise ValueError(f"not UTF-8 text (byte 0x{ord(bad) & 0xFF:02x})")
    if any(map(_unfit_in_a_line, value)):
        raise ValueError("control characters and noncharacters are not allowed")
    return " ".join(value.split())


def _folders(value: Any) -> list[str]:
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"expected folder names, not {type(item).__name__}")
        if not Path(item).is_dir():
            raise ValueError(f"{item!r} is not a folder")
    return list(value)


def _now(value: Any) -> str:
    if value:
        try:
            datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("expected an ISO 8601 time, such as 2026-12-08T06:00:00Z") from None
    return str(value)


def now_of(values: dict[str, Any]) -> datetime.datetime | None:
    """The `now` setting as a time (one without an offset is UTC), or None for the clock."""
    if not values["now"]:
        return None
    moment = datetime.datetime.fromisoformat(values["now"].replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def _layout(value: Any) -> str:
    from publish.output import LAYOUTS

    if value not in LAYOUTS:
        raise ValueError(f"expected {' or '.join(LAYOUTS)}")
    return str(value)


#: Schemes of a scheduler's address publish connects to: TCP, and TLS with the
#: certificates of Dask's own configuration.
SCHEMES = ("tcp", "tls")
#: A scheduler's address: scheme, host (a name, an IPv4 address or [an IPv6 one]), port.
CLUSTER_ADDRESS = re.compile(
    r"(?:(?P<scheme>[a-z0-9+.-]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\[\]:/\s]+):(?P<port>\d{1,5})"
)


def parse_address(address: str) -> tuple[str, int | None]:
    """`local` / `local:N` -> ("local", N or None); a scheduler address (`tcp://HOST:PORT`,
    `HOST:PORT`, `tls://HOST:PORT`) as it is, checked: anything else is refused here, not
    after a wait for a scheduler that cannot be there."""
    if address == "local":
        return "local", None
    if address.startswith("local:"):
        count = address.partition(":")[2]
        if not count.isdigit() or not 1 <= int(count) <= 1024:
            raise OptionsError(f"--cluster {address!r}: expected local:N with N from 1 to 1024")
        return "local", int(count)
    found = CLUSTER_ADDRESS.fullmatch(address)
    scheme = (found["scheme"] if found else address.partition("://")[0] if "://" in address else None) or "tcp"
    if scheme not in SCHEMES:
        raise OptionsError(
            f"--cluster {address!r}: publish reaches a scheduler over tcp:// (or tls://), not {scheme}://",
            hint="give tcp://HOST:8786, local or local:N",
        )
    if found is None or not 1 <= int(found["port"]) <= 65535:
        raise OptionsError(
            f"--cluster {address!r} is not a scheduler address", hint="give tcp://HOST:8786, local or local:N"
        )
    return address, None


def _cluster(value: Any) -> str:
    if value:
        parse_address(value)
    return str(value)


@dataclass(frozen=True)
class Setting:
    """One setting: configuration key, command-line flag and checks in one record."""

    name: str
    kind: type
    default: Any
    help: str
    #: The editions whose bytes (or names) it changes: a change of it rebuilds exactly
    #: these (each edition's rebuild key holds the settings that shape it). Required, so
    #: a new setting must say; `()` for one that shapes none (where files go, how many
    #: processes, which editions are built: each edition has its own key).
    shapes_editions: tuple[str, ...]
    #: Command-line flags (`--out`, `-j`); `build` and `collect` share them.
    flags: tuple[str, ...]
    #: Checks and normalises a value of the right type; raises ValueError saying what was expected.
    check: Callable[[Any], Any] | None = None
    #: Whether `collect` offers it too.
    for_digests: bool = True


#: Every edition (a setting that changes how inputs are read shapes them all).
ALL: tuple[str, ...] = tuple(edition.name for edition in EDITIONS)
#: The editions made from templates (`<folder>/<edition>/...` in a template folder).
TEMPLATED: tuple[str, ...] = ("epub", "pdf")

SETTINGS: tuple[Setting, ...] = (
    Setting("out", str, "dist", "folder the editions are written to", (), ("--out",), _out),
    Setting(
        "formats",
        list,
        ["epub", "pdf", "txt"],
        "editions to build: epub, pdf, txt, ascii, ninjs",
        (),
        ("--format",),
        _formats,
    ),
    Setting("ascii", bool, False, "also write the 7-bit text edition", (), ("--ascii",), for_digests=False),
    Setting("width", int, 72, "column width of the text edition", ("txt", "ascii"), ("--width",), _width),
    Setting("paper", str, "auto", "PDF paper: auto, A4 or Letter", ("pdf",), ("--paper",), _paper),
    Setting(
        "font",
        str,
        "",
        "PDF body font family or .ttf file (empty: the style file's, Publish Serif)",
        ("pdf",),
        ("--font",),
    ),
    Setting("publisher", str, "", "publisher credited in the editions", ("epub", "pdf"), ("--publisher",), single_line),
    Setting("language", str, DEFAULT, "language of articles that do not say", ALL, ("--language",), _language),
    Setting(
        "templates",
        list,
        [],
        "template folders searched before the built-in ones",
        TEMPLATED,
        ("--templates",),
        _folders,
    ),
    Setting("encoding", str, "", "encoding of the inputs (empty: detect)", ALL, ("--encoding",), _encoding),
    Setting("strict", bool, False, "warnings that mean lost text become errors", ("pdf",), ("--strict",)),
    Setting(
        "keep_breaks",
        bool,
        False,
        "keep paragraph breaks as written (no joining of a sentence split by a stray blank line)",
        ALL,
        ("--keep-breaks",),
    ),
    Setting(
        "ignore_embargo",
        bool,
        False,
        "publish agency items still under embargo (for proofs: into a folder of their own)",
        (),
        ("--ignore-embargo",),
    ),
    Setting(
        "now",
        str,
        "",
        "the time the build publishes at, which embargoes are held against (ISO 8601; empty: the clock)",
        (),
        ("--now",),
        _now,
    ),
    Setting("jobs", int, 0, "articles rendered at once (0: all cores)", (), ("-j", "--jobs"), _jobs, for_digests=False),
    Setting(
        "layout",
        str,
        "flat",
        "where editions go: flat (all in the output folder) or date (YYYY/MM/DD/ folders, undated/)",
        ALL,
        ("--layout",),
        _layout,
        for_digests=False,
    ),
    Setting(
        "cluster",
        str,
        "",
        "run the work on a Dask cluster: tcp://HOST:8786, local or local:N (empty: a process pool of --jobs)",
        (),
        ("--cluster",),
        _cluster,
        for_digests=False,
    ),
)
BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
#: Settings that shape every edition without being render options: they change how an
#: input is read (so every edition's text) or how every file is named. They are in the
#: key all editions share; the others are each in the keys of the editions they shape.
READING_SETTINGS: tuple[str, ...] = ("language", "encoding", "keep_breaks", "layout")
#: The RenderOptions field each render option is held in (where the names differ).
OPTION_FIELDS: dict[str, str] = {"templates": "template_dirs"}
CONFIG_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (("publish.toml", ()), ("pyproject.toml", ("tool", "publish")))


def defaults() -> dict[str, Any]:
    return {setting.name: setting.default for setting in SETTINGS}


def checked(name: str, value: Any, where: str | None = None, line: int | None = None) -> Any:
    """`value` for setting `name`, type-checked and normalised; an OptionsError naming
    where it came from (a flag, or a file and line) when it is wrong."""
    setting = BY_NAME.get(name)
    if setting is None:
        raise OptionsError(
            f"unknown setting {name!r}", path=where, line=line, hint=f"known settings: {', '.join(BY_NAME)}"
        )
    from_file = line is not None or (where or "").endswith(".toml")
    label = f"setting {name!r}" if from_file else setting.flags[-1]
    where = where if from_file else None  # a flag names itself in the message
    kind = setting.kind
    if kind is list and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise OptionsError(f"{label} must be {_kind_name(kind)}, not {type(value).__name__}", path=where, line=line)
    if setting.check is not None:
        try:
            value = setting.check(value)
        except ValueError as error:
            raise OptionsError(f"{label} = {value!r}: {error}", path=where, line=line) from None
        except OptionsError as error:
            raise OptionsError(f"{label}: {error.message}", path=where, line=line, hint=error.hint) from None
    return value


def _kind_name(kind: type) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", list: "a list"}[kind]


@dataclass(frozen=True)
class Config:
    """The effective settings, the file they came from, and where each value came from
    (`origins`: "default", or the file and line, and how the file was chosen)."""

    values: dict[str, Any]
    source: Path | None
    origins: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def origin(self, name: str) -> str:
        return self.origins.get(name, "default")


#: The environment variable that names a configuration file (`--config FILE` wins over it).
CONFIG_VARIABLE = "PUBLISH_CONFIG"


def load_config(folder: Path = Path("."), file: Path | None = None, chosen_by: str = "--config") -> Config:
    """The settings of `file` when given (named by `chosen_by`: `--config` or PUBLISH_CONFIG;
    a `pyproject.toml` gives its `[tool.publish]` table, any other file all of itself), else
    of `publish.toml` in `folder`, else of `[tool.publish]` in its `pyproject.toml`, else
    the defaults."""
    if file is not None:
        if not file.is_file():
            raise OptionsError(
                f"{chosen_by}: no such configuration file", path=str(file), hint="give a TOML file of settings"
            )
        table = ("tool", "publish") if file.name == "pyproject.toml" else ()
        return _load_file(file, table, defaults(), f"from {chosen_by}") or Config(defaults(), None)
    for name, table_path in CONFIG_FILES:
        path = folder / name
        if path.is_file() and (config := _load_file(path, table_path, defaults(), "")) is not None:
            return config
    return Config(defaults(), None)


def _load_file(path: Path, table_path: tuple[str, ...], values: dict[str, Any], how: str) -> Config | None:
    """The settings `path` holds (in the table `table_path`) over `values`; None for a
    pyproject.toml without a [tool.publish] table."""
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise OptionsError(f"cannot read: {error.strerror}", path=str(path)) from None
    except UnicodeDecodeError as error:
        raise OptionsError(f"not UTF-8 (byte offset {error.start})", path=str(path)) from None
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OptionsError(f"not valid TOML: {error}", path=str(path)) from None
    except RecursionError:
        raise OptionsError("nested too deeply to be a configuration", path=str(path)) from None
    except ValueError as error:  # a number of thousands of digits, beyond Python's limit
        raise OptionsError(f"not a configuration publish can read: {error}", path=str(path)) from None
    for part in table_path:
        if not isinstance(data, dict):
            break
        data = data.get(part, {})
    if not isinstance(data, dict):
        raise OptionsError(
            f"[{'.'.join(table_path)}] must be a table", path=str(path), line=_line_of(table_path[-1], text)
        )
    if name == "pyproject.toml" and not data:
        return None
    origins: dict[str, str] = {}
    for key, value in data.items():
        line = _line_of(key, text)
        values[key] = checked(key, value, str(path), line)
        origins[key] = f"{path}{f':{line}' if line else ''}{f', {how}' if how else ''}"
    return Config(values, path, origins)


def _line_of(key: str, text: str) -> int | None:
    found = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def render_config(config: Config) -> str:
    """The effective settings as TOML, ready to paste into publish.toml."""
    lines = [f"# effective settings{f' (from {config.source})' if config.source else ' (built-in defaults)'}"]
    for setting in SETTINGS:
        value = _toml(config.values[setting.name])
        lines.append(f"{setting.name} = {value}  # {setting.help} [{config.origin(setting.name)}]")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


#: SOURCE_DATE_EPOCH beyond this cannot be stored in a ZIP (EPUB) entry's time.
LATEST_EPOCH = 4354819199  # 2107-12-31T23:59:59Z


def source_date_epoch(environ: dict[str, str] | None = None) -> int | None:
    """SOURCE_DATE_EPOCH from the environment (read here and nowhere else), checked."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")
    if value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LATEST_EPOCH:
        raise OptionsError(
            f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds from 1970 to 2107",
            hint="unset it, or give seconds since 1970 in ASCII digits",
        )
    return int(value)


#: The editions that carry SOURCE_DATE_EPOCH (their time); an environment variable, not a setting.
EPOCH_SHAPES: tuple[str, ...] = ("epub", "pdf")


def shaping_options(edition: str, options: RenderOptions) -> dict[str, Any]:
    """The render options that shape `edition`, by setting name: its share of the rebuild
    key, so changing any other option leaves it up to date. (The template folders are
    keyed by what they hold for each edition, see `publish.building.key`, not by their paths.)"""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if edition in setting.shapes_editions and setting.name not in READING_SETTINGS and setting.name != "templates":
            values[setting.name] = getattr(options, OPTION_FIELDS.get(setting.name, setting.name))
    if edition in EPOCH_SHAPES:
        values["source_date_epoch"] = options.source_date_epoch
    return values


def render_options(values: dict[str, Any], epoch: int | None = None) -> RenderOptions:
    """The RenderOptions a build renders with: the settings that shape editions and are
    not about reading the inputs (a test holds this list and the table's
    `shapes_editions` together)."""
    return RenderOptions(
        width=values["width"],
        paper=values["paper"],
        font=values["font"] or None,
        strict=values["strict"],
        template_dirs=tuple(Path(folder).resolve() for folder in values["templates"]),
        publisher=values["publisher"] or None,
        source_date_epoch=epoch,
    )
