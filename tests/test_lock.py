"""requirements.lock pins every dependency that pyproject.toml names, within its bounds.

A dependency added to pyproject.toml without `make lock` would install at whatever release
is newest that day; this test names it instead.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def pins(text: str) -> dict[str, Version]:
    """The lock's ``name==version`` lines by canonical name (comments and options aside)."""
    found: dict[str, Version] = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def test_pins_are_read_by_canonical_name() -> None:
    assert pins("# via x\nPyYAML==6.0.2\n    # via pledge\nruamel_yaml==0.18.1\n") == {
        "pyyaml": Version("6.0.2"), "ruamel-yaml": Version("0.18.1")}


def test_the_lock_pins_every_dependency_within_its_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in
              [*project["dependencies"], *project["optional-dependencies"]["dev"]]]
    locked = pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert len(locked) > len(wanted)  # the transitive ones are pinned too
    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in locked]
    assert missing == [], f"not in requirements.lock (run `make lock`): {missing}"
    outside = [f"{r} (locked {locked[canonicalize_name(r.name)]})" for r in wanted
               if not r.specifier.contains(locked[canonicalize_name(r.name)],
                                           prereleases=True)]
    assert outside == [], f"requirements.lock is outside pyproject.toml's bounds: {outside}"
