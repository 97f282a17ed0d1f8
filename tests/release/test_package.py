"""A releasable package: the licence text matches the metadata, the changelog names the version,
and the wheel builds and installs in a clean virtual environment where ``opencx`` works."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from opencx import __version__
from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
META = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_licence_text_matches_the_metadata() -> None:
    assert META["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert (ROOT / "docs/decisions/0007-licence-apache-2.md").exists()


def test_changelog_and_version_agree() -> None:
    assert META["version"] == __version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}]" in changelog and "## [Unreleased]" in changelog


@pytest.mark.slow
def test_wheel_builds_and_installs_in_a_clean_venv(tmp_path: Path) -> None:
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        unavailable("uv in the test environment (make install-dev installs it)")

    def run(*args: str | Path, **env: str) -> str:
        done = subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, **env},
            timeout=600,
        )
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    run(uv, "build", "--wheel", "--out-dir", tmp_path / "dist", ROOT)
    [wheel] = (tmp_path / "dist").glob("opencx-*.whl")
    assert wheel.name == f"opencx-{__version__}-py3-none-any.whl"
    venv = tmp_path / "venv"
    run(uv, "venv", "--quiet", "-p", sys.executable, venv)
    python = venv / "bin" / "python"
    run(
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        python,
        "-r",
        ROOT / "requirements/base.lock",
        wheel,
    )
    opencx = venv / "bin" / "opencx"
    assert run(opencx, "--version") == f"opencx {__version__}\n"
    where = run(python, "-c", "import opencx; print(opencx.__file__)")
    assert where.startswith(str(venv)), "the test must exercise the installed wheel, not src/"
    licence = run(
        python,
        "-c",
        "import importlib.metadata as m; print(m.metadata('opencx')"
        "['License-Expression'] or m.metadata('opencx')['License'])",
    )
    assert licence.strip() == "Apache-2.0"
    db = f"sqlite:///{tmp_path / 'installed.db'}"
    assert "database ready" in run(opencx, "init", OPENCX_DATABASE_URL=db)
    listed = run(opencx, "jobs", "list", OPENCX_DATABASE_URL=db, OPENCX_LOG_FORMAT="text")
    assert "metrics.alerts" in listed  # templates, migrations and jobs came with the wheel
