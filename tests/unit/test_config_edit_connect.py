"""A settings save that changes ``key_dir`` or a ``[[profiles.connect]]`` entry edits the file in
place: the entry is written, changed and removed; comments and the other profiles stay as written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui.config.connect import ConnectOverride
from tui.config.edit import Draft
from tui.config.store import load_config, save_settings

FILE = """\
# my settings
[[profiles]]
name = "nb"   # the notebooks one
cloud = "otc"
region = "eu-de"
api = "notebooks"
auth = "aksk"
ak = "AK"
sk = "SK"

[[profiles]]
name = "other"
cloud = "otc"
region = "eu-de"
auth = "aksk"
ak = "AK2"
sk = "SK2"
"""


def _save(path: Path, change: dict[str, object]) -> str:
    before = load_config(path)
    first, second = before.profiles
    drafts = [Draft(first.name, replace(first, **change)), Draft(second.name, second)]  # type: ignore[arg-type]
    saved = save_settings(path, before, drafts)
    assert load_config(path) == saved
    return path.read_text()


def test_connect_entries_are_added_changed_and_removed_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(FILE)
    path.chmod(0o600)
    cv = ConnectOverride(
        "cv-lab", identity_file="~/keys/cv.pem", ssh_options=("ForwardAgent=yes",), alias="cv"
    )
    text = _save(path, {"key_dir": "~/keys", "connect": (cv,)})
    assert text.startswith('# my settings\n[[profiles]]\nname = "nb"   # the notebooks one\n')
    assert text.endswith(FILE.split("\n\n", 1)[1])  # the other profile as it was
    nb = load_config(path).profiles[0]
    assert nb.key_dir == "~/keys" and nb.connect == (cv,)
    assert '[[profiles.connect]]\ninstance = "cv-lab"' in text
    changed = replace(cv, ssh_options=("ForwardAgent=yes", "LocalForward=8888 localhost:8888"), alias="")
    _save(path, {"connect": (changed,)})
    assert load_config(path).profiles[0].connect == (changed,)
    text = _save(path, {"connect": (), "key_dir": ""})
    assert "profiles.connect" not in text and "key_dir" not in text
    assert text.startswith("# my settings\n") and load_config(path).profiles[0].connect == ()
