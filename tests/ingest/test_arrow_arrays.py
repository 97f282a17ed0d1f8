"""``opencx.ingest.domain.arrow_arrays`` gives what the pyarrow calls it replaces give (those load
pandas; these build arrays from their buffers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.ingest.domain.arrow_arrays import (
    datetimes,
    filled,
    from_numpy,
    grouped,
    integers,
    known_true,
    scalar,
    strings,
    times,
    to_numpy,
)

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)


@given(st.lists(st.none() | TEXT, max_size=30))
def test_strings_as_pa_array(values: list[str | None]) -> None:
    made = strings(values)
    made.validate(full=True)
    assert made.equals(pa.array(values, pa.string()))


def test_a_lone_surrogate_is_refused_as_pa_array_refuses_it() -> None:
    with pytest.raises(UnicodeEncodeError):
        pa.array(["a\ud800"], pa.string())
    with pytest.raises(UnicodeEncodeError):
        strings(["a\ud800"])


@given(st.lists(st.none() | st.integers(-(2**31), 2**31 - 1), max_size=30))
def test_integers_as_pa_array(values: list[int | None]) -> None:
    assert integers(values, pa.int32()).equals(pa.array(values, pa.int32()))


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))])


@given(st.lists(st.none() | st.datetimes(timezones=ZONES), max_size=20))
def test_times_as_pa_array(values: list[datetime | None]) -> None:
    try:
        expected = pa.array(values, pa.timestamp("us", "UTC"))
    except (OverflowError, pa.ArrowInvalid):
        return  # past what either holds
    assert times(values).equals(expected)


@given(
    st.sampled_from([np.int64, np.int32, np.float64, np.bool_]).flatmap(
        lambda kind: st.lists(st.integers(-1000, 1000), max_size=30).map(
            lambda v: np.array(v).astype(kind)
        )
    ),
    st.integers(0, 5),
)
def test_from_numpy_and_to_numpy_as_pyarrow(values: np.ndarray, cut: int) -> None:
    made = from_numpy(values)
    assert made.equals(pa.array(values))
    sliced = made.slice(min(cut, len(values)))
    assert np.array_equal(to_numpy(sliced), sliced.to_numpy(zero_copy_only=False))
    nulls = np.arange(len(values)) % 3 == 0
    assert from_numpy(values, nulls=nulls).equals(pa.array(values, mask=nulls))


def test_a_datetime64_array_and_a_chunked_one() -> None:
    when = np.array(["2024-01-01T00:00:00", "1970-01-01T00:00:01"], "datetime64[s]")
    assert from_numpy(when).equals(pa.array(when))
    chunked = pa.chunked_array([from_numpy(np.arange(3)), from_numpy(np.arange(2))])
    assert to_numpy(chunked).tolist() == [0, 1, 2, 0, 1]
    with pytest.raises(ValueError, match="nulls"):
        to_numpy(pa.nulls(2, pa.int64()))


@given(st.lists(st.none() | st.booleans(), max_size=20))
def test_filled_and_known_true_as_fill_null(values: list[bool | None]) -> None:
    mask = pa.array(values, pa.bool_())
    assert known_true(mask).equals(pc.fill_null(mask, False))
    assert filled(mask, False).tolist() == pc.fill_null(mask, False).to_pylist()


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, pa.string()),
        ("", pa.string()),
        ("{}", pa.large_string()),
        (b"", pa.binary()),
        (0, pa.int64()),
        (-1, pa.int32()),
        (1e14, pa.float64()),
        (False, pa.bool_()),
        (datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC), pa.timestamp("us", "UTC")),
    ],
)
def test_scalar_as_pa_scalar(value: object, kind: pa.DataType) -> None:
    assert scalar(value, kind).equals(pa.scalar(value, kind))


ROWS = st.lists(
    st.tuples(
        st.none() | st.sampled_from("abcd"),
        st.none() | TEXT,
        st.none() | st.integers(0, 10**12),
    ),
    max_size=30,
)


@given(ROWS)
def test_grouped_as_group_by(rows: list[tuple[str | None, str | None, int | None]]) -> None:
    keys, texts, micros = zip(*rows, strict=True) if rows else ((), (), ())
    table = pa.table(
        {
            "k": pa.array(keys, pa.string()),
            "v": pa.array(texts, pa.string()),
            "t": pa.array(micros, pa.int64()).cast(pa.timestamp("us", "UTC")),
        }
    )
    wanted = [("v", "first"), ("t", "min")]
    expected = table.group_by("k", use_threads=False).aggregate(wanted)
    assert grouped(table, "k", wanted).equals(expected.select(["k", "v_first", "t_min"]))


@given(st.lists(st.none() | st.datetimes(timezones=ZONES), max_size=20))
def test_datetimes_read_back_what_times_made(values: list[datetime | None]) -> None:
    try:
        made = times(values)
    except OverflowError:
        return  # past what a timestamp in microseconds holds
    back = datetimes(made)
    assert back == values  # the same instants (aware datetimes compare as instants)
    assert all(v is None or v.tzinfo is UTC for v in back)
    assert datetimes(pa.chunked_array([made, made])) == values + values
