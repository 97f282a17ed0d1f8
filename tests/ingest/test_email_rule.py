"""A malformed email is rejected at import: it would become a wrong identity key."""

from __future__ import annotations


def test_malformed_email_is_named_and_nothing_is_written(tmp_path, run_import, table_counts):
    path = tmp_path / "customers.csv"
    path.write_text(
        "external_id,name,email\nC1,Ann, Ann@Example.nl \nC2,Bob,not-an-email\nC3,Cy,\n"
    )
    report = run_import("customers", path)
    shown = [str(p) for p in report.problems]
    assert report.status != "loaded"
    assert len(shown) == 1 and ":3:" in shown[0] and "'not-an-email'" in shown[0], shown
    assert "not an email address" in shown[0]
    assert table_counts()["customers"] == 0
