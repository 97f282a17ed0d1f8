"""The catalogue the CLI lists without Ibis says what the metric registry says, in its order;
``opencx metrics --help`` and ``opencx metrics list`` import no Ibis."""

from __future__ import annotations

import subprocess
import sys

from opencx.metrics.domain.catalogue import CATALOGUE
from opencx.metrics.domain.registry import METRICS


def test_the_catalogue_is_the_registry_in_words() -> None:
    assert [e.name for e in CATALOGUE] == list(METRICS)
    for entry in CATALOGUE:
        metric = METRICS[entry.name]
        assert (entry.title, entry.unit, entry.definition, entry.reference) == (
            metric.title,
            metric.unit,
            metric.definition,
            metric.reference,
        )


def test_metrics_help_and_list_import_no_ibis() -> None:
    code = (
        "import sys; from opencx.cli import main; sys.argv = ['opencx', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'ibis' not in sys.modules, 'ibis imported'\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    for args in (["metrics", "--help"], ["metrics", "list"], ["metrics", "nps", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert "Net Promoter Score" in done.stdout or "nps" in done.stdout
