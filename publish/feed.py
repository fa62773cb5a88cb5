"""What an agency feed says of an item, as the builder acts on it: versions, kills, embargoes.

An article that came as an agency item (`Article.item`: ninjs, NewsML-G2, NITF, or a text
edition that records one) is one version of a story the agency identifies by the item's
id. Within one output folder:

- the newest version (by `version`, then by `versionCreated`) stands under the story's
  one name; every older version's editions are kept in `versions/`, named
  `<name>.<label>.<suffix>` (`label`: `v3`, or the version's time in UTC, `v20261207t140000z`,
  where the item has no version number), with that folder's own `SHA256SUMS`;
- a version whose status is `canceled` or `withheld` (a kill) takes the story's editions
  out of the publication folder: they are kept in `versions/`, never deleted;
- a version embargoed until a time after the build's clock (`now`) is held: nothing is
  written for it, and the next build after that time publishes it.

Nothing here does I/O: the rules, and the names they give.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from publish.model import Article, Item

#: The folder (relative to the output folder) that keeps superseded and killed versions.
VERSIONS_FOLDER = "versions"


@dataclass(frozen=True)
class ItemVersion:
    """What the builder needs of one version of an item, small enough to cross processes:
    its id, a key that sorts versions oldest first, a label for file names, its status."""

    id: str
    key: str
    label: str
    status: str = "usable"

    @property
    def withdrawn(self) -> bool:
        return self.status != "usable"


def item_version(item: Item) -> ItemVersion:
    """The version `item` is; ValueError when it states neither a version nor a time, so
    that it could not be told from another version."""
    when = _moment(item.updated) if item.updated else None
    if item.version is None and when is None:
        raise ValueError("the item states neither a version nor a version time: its versions cannot be ordered")
    stamp = when.astimezone(datetime.UTC).strftime("%Y%m%dt%H%M%Sz") if when else ""
    number = item.version if item.version is not None else -1
    label = f"v{item.version}" if item.version is not None else f"v{stamp}"
    return ItemVersion(item.id, f"{number + 1:010d}|{stamp}", label, item.status)


def embargoed(item: Item, now: datetime.datetime) -> bool:
    """Whether `item` may not be published at `now` (an embargo without an offset is UTC)."""
    if item.embargo is None:
        return False
    until = _moment(item.embargo)
    return until is not None and until > now


def version_name(name: str, label: str) -> str:
    """The name an older version's editions take in `versions/`: `<name>.<label>`."""
    return f"{name}.{label}"


def _moment(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def standing(
    articles: list[Article], now: datetime.datetime, ignore_embargo: bool = False
) -> tuple[list[Article], list[tuple[str | None, str]]]:
    """The articles a digest of a feed holds, in their order: of each agency item only its
    newest version, none of a killed item, none still under embargo (unless
    `ignore_embargo`); and for each left out, its file and why."""
    newest: dict[str, tuple[str, Article]] = {}
    for article in articles:
        if article.item is not None:
            key = item_version(article.item).key
            if article.item.id not in newest or key > newest[article.item.id][0]:
                newest[article.item.id] = (key, article)
    kept: list[Article] = []
    notes: list[tuple[str | None, str]] = []
    for article in articles:
        item = article.item
        if item is None:
            kept.append(article)
        elif newest[item.id][1] is not article:
            notes.append((article.source_path, f"an older version of item {item.id}: left out"))
        elif item.status != "usable":
            notes.append((article.source_path, f"item {item.id} is {item.status}: left out"))
        elif not ignore_embargo and embargoed(item, now):
            notes.append((article.source_path, f"item {item.id} is embargoed until {item.embargo}: left out"))
        else:
            kept.append(article)
    return kept, notes
