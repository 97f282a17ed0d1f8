"""A score outside its question's scale is rejected at import, never stored to be averaged."""

from __future__ import annotations

import sqlalchemy as sa

from opencx.ingest.domain import score_scale


def _nps_survey(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO surveys (id, key, kind, name, version, languages, "
                "definition) VALUES ('s1', 'nps', 'nps', 'NPS', 1, '[]', '{}')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO survey_questions (id, survey_id, key, type) "
                "VALUES ('q1', 's1', 'nps', 'nps')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO survey_questions (id, survey_id, key, type, scale_min, "
                "scale_max) VALUES ('q2', 's1', 'effort', 'rating', 1, 5)"
            )
        )


def test_standard_scales_and_a_question_own_scale() -> None:
    assert score_scale("nps") == (0, 10)
    assert score_scale("csat") == (1, 5)
    assert score_scale("ces") == (1, 7)
    assert score_scale("rating", 1, 5) == (1, 5)
    assert score_scale("text") is None


def test_an_11_on_the_nps_question_rejects_the_file(tmp_path, run_import, engine, table_counts):
    _nps_survey(engine)
    wide = tmp_path / "nps.csv"
    wide.write_text("id,submitted,score,effort\nR1,2024-01-02 12:00,9,2\nR2,2024-01-03,11,6\n")
    report = run_import(
        "responses",
        wide,
        maps=["response_id=id", "submitted_at=submitted", "score:nps=score", "score:effort=effort"],
        constants={"survey": "nps"},
    )
    assert report.status != "loaded"
    shown = [str(p) for p in report.problems]
    assert any(":3:" in p and "'11'" in p and "0–10 scale" in p for p in shown), shown
    assert any(":3:" in p and "'6'" in p and "1–5 scale" in p for p in shown), shown
    counts = table_counts()
    assert counts["responses"] == counts["answers"] == 0


def test_long_answers_are_checked_by_their_type(tmp_path, run_import, engine, table_counts):
    _nps_survey(engine)
    wide = tmp_path / "nps.csv"
    wide.write_text("id,submitted,score\nR1,2024-01-02 12:00,9\n")
    assert (
        run_import(
            "responses",
            wide,
            maps=["response_id=id", "submitted_at=submitted", "score:nps=score"],
            constants={"survey": "nps"},
        ).status
        == "loaded"
    )
    answers = tmp_path / "answers.csv"
    answers.write_text("response,question_key,question_type,score\nR1,sat,csat,4\nR1,eff,ces,0\n")
    report = run_import("answers", answers, allow_rejects=True)
    assert report.status == "loaded_with_rejects"
    assert [str(p) for p in report.problems] and "1–7 scale" in str(report.problems[0])
    with engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT question_key FROM answers ORDER BY 1")).scalars().all()
    assert keys == ["nps", "sat"]
