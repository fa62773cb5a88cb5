"""The rebuild key (publish/building/key.py): the libraries it names, and what each edition's key holds."""

from __future__ import annotations

from publish.building import key as keys
from publish.options import RenderOptions


def test_library_versions_read_from_the_folder_names_are_the_installed_ones():
    import zlib
    from importlib.metadata import version

    assert keys.library_versions() == {
        **{name: version(name) for name in keys.RENDERING_LIBRARIES},
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


#: Dependencies that shape no edition's bytes: the command line, locking, checking, bags.
NOT_RENDERING = {"bagit", "click", "filelock", "pypdf", "rich"}
#: Dependencies of dependencies that do: jinja2's escaping, py3langid's arithmetic.
INDIRECTLY_RENDERING = {"markupsafe", "numpy"}


def test_every_dependency_that_can_change_an_edition_is_in_the_rebuild_key():
    import re
    import tomllib

    from conftest import ROOT

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower() for requirement in declared}
    assert (names - NOT_RENDERING) | INDIRECTLY_RENDERING == {name.lower() for name in keys.RENDERING_LIBRARIES}


def test_each_edition_has_its_own_key_and_all_share_one():
    """A setting that shapes only the text edition (`--width`) changes the text key alone."""
    common, editions = keys.rebuild_keys(("epub", "pdf", "txt"), RenderOptions(), None)
    common_66, editions_66 = keys.rebuild_keys(("epub", "pdf", "txt"), RenderOptions(width=66), None)
    assert common == common_66
    assert [kind for kind in editions if editions[kind] != editions_66[kind]] == ["txt"]
    digests = keys.edition_digests(("epub", "txt"), editions)
    assert len(set(digests.values())) == 2 and digests == keys.edition_digests(("epub", "txt"), editions)
