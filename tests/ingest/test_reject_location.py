"""Where the reject file goes: the working directory (or ``--rejects PATH``), never silently
beside the input, whose folder may be a shared or read-only data folder; the CLI says where."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opencx.ingest.store.rejects import default_reject_path

BAD = (
    "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,Mug,2,3.50\n"
    "A2,C1,2024-01-03 10:00:00,EUR,SKU1,Mug,1,abc\n"
)


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """A read-only folder holding orders.csv, like a shared data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "orders.csv").write_text(BAD)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield folder
    folder.chmod(stat.S_IRWXU)


def _import(sqlite_url: str, *args: str) -> object:
    from opencx import cli

    if not getattr(cli, "_mounted_for_tests", False):
        cli._mount()
        cli._mounted_for_tests = True  # type: ignore[attr-defined]
    env = {"OPENCX_DATABASE_URL": sqlite_url}
    return CliRunner().invoke(cli.app, ["import", "orders", *args], env=env)


def test_the_default_is_the_working_directory(tmp_path: Path) -> None:
    assert default_reject_path(Path("/srv/data/orders.csv.gz")) == tmp_path / "orders.rejects.csv"
    fixed = tmp_path / "orders.rejects.csv"  # re-importing a fixed reject file never truncates it
    assert default_reject_path(fixed) == tmp_path / "orders.rejects.2.csv"


def test_rejects_land_in_the_working_directory_and_are_named(
    sqlite_url: str, tmp_path: Path, data_folder: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        result = _import(
            sqlite_url,
            str(data_folder / "orders.csv"),
            "--create-missing-customers",
            "--allow-rejects",
        )
    assert result.exit_code == 0, result.output
    written = work / "orders.rejects.csv"
    assert "A2,C1," in written.read_text()
    assert f"all rejected rows with their problems: {written}" in result.output
    assert sorted(p.name for p in data_folder.iterdir()) == ["orders.csv"]


def test_rejects_path_chooses_the_place(sqlite_url: str, tmp_path: Path, data_folder: Path) -> None:
    target = tmp_path / "fix" / "bad-orders.csv"
    target.parent.mkdir()
    result = _import(
        sqlite_url,
        str(data_folder / "orders.csv"),
        "--create-missing-customers",
        "--rejects",
        str(target),
    )
    assert result.exit_code == 1, result.output  # without --allow-rejects nothing is written
    assert "nothing was written" in result.output and target.exists()
    assert str(target) in result.output


def test_an_unwritable_place_is_one_clear_error(
    sqlite_url: str, tmp_path: Path, data_folder: Path
) -> None:
    result = _import(
        sqlite_url,
        str(data_folder / "orders.csv"),
        "--create-missing-customers",
        "--allow-rejects",
        "--rejects",
        str(data_folder / "orders.rejects.csv"),
    )
    assert result.exit_code == 2, result.output
    assert f"cannot write the reject file {data_folder / 'orders.rejects.csv'}" in result.output
    assert "--rejects PATH" in result.output
    assert sorted(p.name for p in data_folder.iterdir()) == ["orders.csv"]
