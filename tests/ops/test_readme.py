"""Every command in the README runs as written, in order, on SQLite in a temporary folder.

The lines of the README's ``bash`` blocks are run like tests/ops/test_operations_doc.py runs
docs/operations.md: ``export`` sets a variable, ``opencx ...`` runs in-process through the real
command tree, ``opencx serve`` and ``opencx worker`` run as processes until they answer and then
get SIGTERM. What the README leaves to the reader is supplied here and nothing else:

- the work folder holds a read-only copy of ``tests/data/uci/``, so the README's path to the UCI
  Online Retail slice resolves as it does in a checkout (and the reject file must land in the work
  folder, not beside the input);
- ``crm.csv`` is written with the columns the README maps (one bad row, hence --allow-rejects);
- ``CUSTOMER_ID`` is the id of the customer the search finds; ``users create`` reads its password
  from the prompt;
- the PostgreSQL URL is swapped for a SQLite file (PostgreSQL is tests/ops/test_operations_doc);
- the warehouse folder ``/data/cx/parquet`` is a temporary folder with a Parquet copy of the
  tables, made with Ibis as a user's export job would;
- ``make demo`` runs with ``DEMO_ARGS="--customers 150 --no-serve"`` (the 20,000-customer size
  takes minutes), ``make test`` not at all: this test is part of it.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.conftest import data_file
from tests.ops.test_operations_doc import Runner

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
NOT_RUN = {"make test": "this test is part of `make test`"}
CRM = (
    "Id,E-mail,Full name\n1,ana@example.com,Ana Lima\n2,bo@example.com,Bo Berg\n3,not-an-email,Cy\n"
)


def commands() -> list[str]:
    lines = []
    for block in BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            command = line.partition("#")[0].strip()
            lines.extend(part.strip() for part in command.split("&&") if part.strip())
    return lines


def test_the_readme_shows_the_commands_a_new_user_needs() -> None:
    found = commands()
    assert "make demo" in found and "opencx init" in found and "opencx serve" in found
    uci = next(c for c in found if "online_retail_uci352" in c)
    assert "--allow-rejects" in uci  # the file has rows to reject: without it, nothing loads
    assert (ROOT / uci.split()[3]).is_file()  # the path is in the repository, not beside it


class ReadmeRunner(Runner):
    def __init__(self, env: dict[str, str], cwd: Path, warehouse: Path) -> None:
        super().__init__(env, cwd)
        self.warehouse = warehouse

    def run(self, line: str) -> None:
        if line in NOT_RUN:
            self.ran.append(line)
        elif line == "source .venv/bin/activate":
            assert (Path(sys.prefix) / "bin" / "activate").exists(), sys.prefix
            self.ran.append(line)
        elif line.startswith("export OPENCX_DATABASE_URL="):
            self.ran.append(line)  # stays on the SQLite file of this test
        elif line.startswith("export OPENCX_WAREHOUSE_URL="):
            self._parquet_copy()
            super().run(line.replace("/data/cx/", f"{self.warehouse}/"))
        elif line.startswith("make "):
            self._make(line)
        elif line in ("opencx serve", "opencx worker"):
            self._until_ready(line + (" --port 8000" if line.endswith("serve") else ""))
            self.ran.append(line)
        elif "CUSTOMER_ID" in line:
            super().run(line.replace("CUSTOMER_ID", self._customer_id()))
        elif line.startswith("opencx customers search"):
            self._at_80_columns(line)
        elif line.startswith("opencx users create"):
            self._with_input(line, "a-long-enough-password\na-long-enough-password\n")
        else:
            super().run(line)

    def _at_80_columns(self, line: str) -> None:
        env = {**self.env, "COLUMNS": "80"}
        result = CliRunner().invoke(self.app, shlex.split(line)[1:], env=env)
        assert result.exit_code == 0, f"{line}:\n{result.output}\n{result.exception!r}"
        assert self._customer_id() in result.output and "…" not in result.output, result.output
        assert max(len(row) for row in result.output.splitlines()) <= 80, result.output
        self.ran.append(line)

    def _with_input(self, line: str, text: str) -> None:
        result = CliRunner().invoke(self.app, shlex.split(line)[1:], env=self.env, input=text)
        assert result.exit_code == 0, f"{line}:\n{result.output}\n{result.exception!r}"
        self.ran.append(line)

    def _make(self, line: str) -> None:
        venv = Path(sys.prefix)
        args = [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "-o",
            f"{venv}/.base",  # installed already: never reinstall from a test
            *shlex.split(line)[1:],
            f"VENV={venv}",
            "DEMO_ARGS=--customers 150 --no-serve",
        ]
        env = {**_environ(), **self.env}
        done = subprocess.run(
            args, cwd=self.cwd, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{line}: {done.stdout}\n{done.stderr}"
        assert "OpenCX is ready" in done.stdout
        self.ran.append(line)

    def _customer_id(self) -> str:
        engine = sa.create_engine(self.env["OPENCX_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                found = conn.execute(
                    sa.text("SELECT id FROM customers WHERE external_id = '1'")  # Ana (crm.csv)
                ).scalar_one()
        finally:
            engine.dispose()
        return str(found)

    def _parquet_copy(self) -> None:
        import ibis

        folder = self.warehouse / "parquet"
        if folder.exists():
            return
        folder.mkdir(parents=True)
        con = ibis.sqlite.connect(self.env["OPENCX_DATABASE_URL"].removeprefix("sqlite:///"))
        try:
            for name in ("customers", "orders", "order_lines", "products", "subscriptions"):
                table = con.table(name)
                json = [c for c, t in table.schema().items() if t.is_json() or t.is_map()]
                table = table.drop(*json) if json else table  # metrics read no JSON column
                table.to_parquet(folder / f"{name}.parquet")
        finally:
            con.disconnect()


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OPENCX_")}


@pytest.mark.timeout(1200)  # about a minute on an idle machine; a loaded one takes longer
def test_every_readme_command_runs(tmp_path: Path) -> None:
    work = tmp_path / "work"
    data = work / "tests" / "data" / "uci"
    data.mkdir(parents=True)
    (data / "online_retail_uci352_slice.csv.gz").write_bytes(
        data_file("uci/online_retail_uci352_slice.csv.gz").read_bytes()
    )
    data.chmod(stat.S_IRUSR | stat.S_IXUSR)  # a read-only data folder
    (work / "crm.csv").write_text(CRM, encoding="utf-8")
    env = {"OPENCX_DATABASE_URL": f"sqlite:///{work / 'opencx.db'}", "OPENCX_LOG_FORMAT": "text"}
    runner = ReadmeRunner(env, work, tmp_path / "cx")
    try:
        for line in commands():
            runner.run(line)
    finally:
        data.chmod(stat.S_IRWXU)
    assert len(runner.ran) == len(commands())
    assert sorted(p.name for p in data.iterdir()) == ["online_retail_uci352_slice.csv.gz"]
    assert (work / "online_retail_uci352_slice.rejects.csv").exists()
    assert (work / "crm.rejects.csv").exists() and (work / "person.json").exists()
