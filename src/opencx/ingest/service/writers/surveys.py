"""Writers for rows that hang under a parent found by its external id: survey responses with
their answers (long: one row per answer, or wide: ``score:<key>`` / ``text:<key>`` columns),
answers to already imported responses, and events of already imported cases."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest import store
from opencx.ingest.domain import ResponsesImported, score_scale
from opencx.ingest.domain.arrow_arrays import from_numpy, grouped, integers, scalar, strings
from opencx.ingest.domain.validation import Parsed
from opencx.ingest.service.run import Run, json_or_empty, keep, new_ids, resolve_customers

RESPONSE_FIELDS = (
    "survey_id",
    "customer_id",
    "submitted_at",
    "channel",
    "language",
    "touchpoint",
    "context_kind",
    "context_id",
    "completed",
)


def _parents(run: Run, parsed: Parsed, column: str, table: str, what: str) -> pa.Array:
    refs = parsed.columns[column]
    cache: dict[str, str] = run.state.setdefault(table, {})
    wanted = set(pc.unique(pc.drop_null(refs)).to_pylist()) - cache.keys()
    if wanted:
        cache.update(store.ids_any_source(run.conn, table, wanted, run.source))
    missing = sorted(wanted - cache.keys())
    if missing:
        unknown = pc.is_in(refs, value_set=strings(missing))
        parsed.flag(unknown, column, f"unknown {what} (import the {table} first)")
    index = pc.index_in(refs, value_set=strings(list(cache)))
    return pc.take(strings(list(cache.values())), index)


def _flag_out_of_scale(
    parsed: Parsed, column: str, scores: pa.Array, scales: list[tuple[int, int] | None]
) -> None:
    """Reject scores outside their question's scale (an 11 on a 0–10 question)."""
    outside: dict[tuple[int, int], list[int]] = {}
    for i, (score, scale) in enumerate(zip(scores.to_pylist(), scales, strict=True)):
        if score is not None and scale is not None and not scale[0] <= score <= scale[1]:
            outside.setdefault(scale, []).append(i)
    for (low, high), rows in outside.items():
        mask = np.zeros(len(scales), dtype=bool)
        mask[rows] = True
        parsed.flag(mask, column, f"score outside the question's {low}–{high} scale")


def _check_scores(run: Run, parsed: Parsed) -> None:
    """Scores of long rows (score + question_key/type) and wide ``score:<key>`` columns."""
    cols = parsed.columns
    surveys = cols["survey_id"].to_pylist()
    known = store.question_scales(run.conn, {s for s in surveys if s is not None})

    def scale(survey: str | None, key: str | None, given: str | None) -> tuple[int, int] | None:
        ty, lo, hi = known.get((survey or "", key or ""), (given, None, None))
        return score_scale(given or ty, lo, hi)

    if "score" in cols:
        keys = cols["question_key"].to_pylist() if "question_key" in cols else [None] * len(surveys)
        types = cols["question_type"].to_pylist() if "question_type" in cols else [None] * len(keys)
        scales = [scale(s, k, t) for s, k, t in zip(surveys, keys, types, strict=True)]
        _flag_out_of_scale(parsed, "score", cols["score"], scales)
    for name in [c for c in cols if c.startswith("score:")]:
        key = name.split(":", 1)[1]
        _flag_out_of_scale(parsed, name, cols[name], [scale(s, key, None) for s in surveys])


def _answer_rows(
    response_ids: list[str],
    keys: list[str | None],
    types: list[str | None],
    scores: list[int | None],
    texts: list[str | None],
    language: list[str | None],
) -> pa.Table:
    latest: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        if key is not None:
            latest[(response_ids[i], key)] = i
    rows = sorted(latest.values())
    return pa.table(
        {
            "id": strings(new_ids(len(rows))),
            "response_id": strings([response_ids[i] for i in rows]),
            "question_key": strings([keys[i] for i in rows]),
            "question_type": strings(
                [types[i] or ("text" if scores[i] is None else "rating") for i in rows]
            ),
            "score": integers([scores[i] for i in rows], pa.int32()),
            "text": strings([texts[i] for i in rows]),
            "language": strings([language[i] for i in rows]),
        }
    )


class ResponseWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        surveys: dict[str, str] = run.state.setdefault("surveys", {})
        refs = parsed.columns["survey"]
        wanted = set(pc.unique(pc.drop_null(refs)).to_pylist()) - surveys.keys()
        if wanted:
            surveys.update(store.survey_ids(run.conn, wanted))
        missing = sorted(wanted - surveys.keys())
        if missing:
            parsed.flag(
                pc.is_in(refs, value_set=strings(missing)),
                "survey",
                "unknown survey key (create the survey first)",
            )
        index = pc.index_in(refs, value_set=strings(list(surveys)))
        parsed.columns["survey_id"] = pc.take(strings(list(surveys.values())), index)
        parsed.columns["customer_id"] = resolve_customers(
            run, parsed, when="submitted_at", required=False
        )
        _check_scores(run, parsed)

    def finish(self, run: Run) -> None:
        """Nothing staged: each chunk was written as it came."""

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        cols = {name: keep(col, mask) for name, col in parsed.columns.items()}
        n = len(cols["response_id"])
        if n == 0:
            return 0
        ids = self._responses(run, cols)
        response_ids = [ids[e] for e in cols["response_id"].to_pylist()]
        types = store.question_types(run.conn, set(cols["survey_id"].to_pylist()))
        survey = cols["survey_id"].to_pylist()
        keys = cols["question_key"].to_pylist()
        given = cols["question_type"].to_pylist()
        kinds = [g or types.get((s, k or "")) for g, s, k in zip(given, survey, keys, strict=True)]
        scores, texts = cols["score"].to_pylist(), cols["text"].to_pylist()
        language = cols["language"].to_pylist()
        for name in (c for c in cols if c.startswith(("score:", "text:"))):
            key = name.split(":", 1)[1]
            values = cols[name].to_pylist()
            is_score = name.startswith("score:")
            for i in range(n):
                if values[i] is not None:
                    response_ids.append(response_ids[i])
                    keys.append(key)
                    kinds.append(types.get((survey[i], key)))
                    scores.append(values[i] if is_score else None)
                    texts.append(None if is_score else values[i])
                    language.append(language[i])
        store.upsert(
            run.conn, "answers", _answer_rows(response_ids, keys, kinds, scores, texts, language)
        )
        return n

    def _responses(self, run: Run, cols: dict[str, pa.Array]) -> dict[str, str]:
        ids: dict[str, str] = run.state.setdefault("responses", {})
        fresh = [e for e in pc.unique(cols["response_id"]).to_pylist() if e not in ids]
        if not fresh:
            return ids
        known = store.ids_by_external_id(run.conn, "responses", run.source, fresh)
        minted = iter(new_ids(len(fresh)))
        ids.update({e: known.get(e) or next(minted) for e in fresh})
        table = pa.table(
            {"response_id": cols["response_id"], **{f: cols[f] for f in RESPONSE_FIELDS}}
        )
        table = table.filter(pc.is_in(cols["response_id"], value_set=strings(fresh)))
        first = grouped(table, "response_id", [(f, "first") for f in RESPONSE_FIELDS])
        exts = first.column("response_id").to_pylist()
        data = pa.table(
            {
                "id": strings([ids[e] for e in exts]),
                "source": pa.repeat(scalar(run.source, pa.string()), len(exts)),
                "external_id": first.column("response_id"),
                **{f: first.column(f"{f}_first") for f in RESPONSE_FIELDS},
                "submission": pa.repeat(scalar("{}", pa.string()), len(exts)),
            }
        )
        store.upsert(run.conn, "responses", data)
        run.publish(ResponsesImported(tuple(ids[e] for e in exts), run.live))
        return ids


class AnswerWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        parsed.columns["response_id"] = _parents(run, parsed, "response", "responses", "response")
        types = parsed.columns["question_type"].to_pylist()
        _flag_out_of_scale(
            parsed, "score", parsed.columns["score"], [score_scale(t) for t in types]
        )

    def finish(self, run: Run) -> None:
        """Nothing staged: each chunk was written as it came."""

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        cols = {name: keep(col, mask) for name, col in parsed.columns.items()}
        rows = _answer_rows(
            cols["response_id"].to_pylist(),
            cols["question_key"].to_pylist(),
            cols["question_type"].to_pylist(),
            cols["score"].to_pylist(),
            cols["text"].to_pylist(),
            cols["language"].to_pylist(),
        )
        store.upsert(run.conn, "answers", rows)
        return len(cols["response_id"])


class CaseEventWriter:
    """Case events have no external id: a row equal to a stored event (case, time, kind, actor,
    body) is that event, so a re-import adds nothing."""

    def resolve(self, run: Run, parsed: Parsed) -> None:
        parsed.columns["case_id"] = _parents(run, parsed, "case", "cases", "case")

    def finish(self, run: Run) -> None:
        """Nothing staged: each chunk was written as it came."""

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        cols = {name: keep(col, mask) for name, col in parsed.columns.items()}
        n = len(cols["case_id"])
        if n == 0:
            return 0
        existing = store.existing_case_events(run.conn, set(cols["case_id"].to_pylist()))
        fields = ("case_id", "at", "kind", "actor", "body")
        rows = list(zip(*(cols[f].to_pylist() for f in fields), strict=True))
        fresh = [i for i, row in enumerate(rows) if row not in existing]
        take = from_numpy(np.array(fresh, np.int64))
        data = pa.table(
            {
                "id": strings(new_ids(len(fresh))),
                **{f: pc.take(cols[f], take) for f in fields},
                "properties": json_or_empty(pc.take(cols["properties"], take)),
            }
        )
        store.upsert(run.conn, "case_events", data)
        run.count("case_events_existing", n - len(fresh))
        return n
