"""The demo generator in memory: deterministic per seed, and every planted effect documented in
docs/demo-data.md is there for an analysis to find (with margins wide enough for any seed)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from opencx.demo import DemoSettings, build_demo
from opencx.demo.domain.rows import TableRows
from opencx.demo.domain.text import comment_themes

Tables = dict[str, dict[str, list[Any]]]


def as_lists(tables: list[TableRows]) -> Tables:
    out: Tables = {}
    for t in tables:
        cols = out.setdefault(t.table, defaultdict(list))
        for name, values in t.columns.items():
            cols[name].extend(np.asarray(values, dtype=object).tolist())
    return out


def same(a: list[Any], b: list[Any]) -> bool:
    def norm(v: Any) -> Any:
        return "nan" if isinstance(v, float) and v != v else v

    return [norm(v) for v in a] == [norm(v) for v in b]


@pytest.fixture(scope="module")
def demo() -> Tables:
    return as_lists(build_demo(DemoSettings(customers=4000, seed=21)))


def test_same_seed_gives_identical_data_and_another_seed_does_not() -> None:
    first = as_lists(build_demo(DemoSettings(customers=150, seed=9)))
    again = as_lists(build_demo(DemoSettings(customers=150, seed=9)))
    other = as_lists(build_demo(DemoSettings(customers=150, seed=10)))
    assert first.keys() == again.keys()
    for table, cols in first.items():
        for name, values in cols.items():
            assert same(values, again[table][name]), (table, name)
    assert not same(first["customers"]["id"], other["customers"]["id"])
    assert not same(first["answers"]["text"], other["answers"]["text"])


def _comments_by_score(demo: Tables) -> dict[str, list[tuple[int, str]]]:
    """(NPS score, comment) pairs per survey key."""
    a = demo["answers"]
    score = {
        r: s
        for r, k, s in zip(a["response_id"], a["question_key"], a["score"], strict=True)
        if k == "nps"
    }
    survey_of = dict(zip(demo["responses"]["id"], demo["responses"]["survey_id"], strict=True))
    key_of = dict(zip(demo["surveys"]["id"], demo["surveys"]["key"], strict=True))
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r, k, text in zip(a["response_id"], a["question_key"], a["text"], strict=True):
        if k == "comment" and r in score:
            out[key_of[survey_of[r]]].append((score[r], text))
    return out


def test_detractors_mention_negative_themes_far_more_often(demo: Tables) -> None:
    pairs = [p for ps in _comments_by_score(demo).values() for p in ps]

    def negative_share(keep: Any) -> float:
        chosen = [t for s, t in pairs if keep(s)]
        assert len(chosen) > 50
        return float(np.mean([any(p == "neg" for _, p in comment_themes(t)) for t in chosen]))

    assert negative_share(lambda s: s <= 6) > 0.9
    assert negative_share(lambda s: s >= 9) < 0.3


@pytest.mark.parametrize(
    ("theme", "low", "high"),
    [
        (("delivery", "neg"), -3.8, -1.8),
        (("quality", "neg"), -3.0, -1.0),
        (("website", "neg"), -2.8, -0.7),
    ],
)
def test_themes_move_the_order_nps(
    demo: Tables, theme: tuple[str, str], low: float, high: float
) -> None:
    """Comments name what happened to the order; the score gap is the planted effect."""
    pairs = _comments_by_score(demo)["nps-order"]
    with_theme = [s for s, t in pairs if theme in comment_themes(t)]
    without = [s for s, t in pairs if theme not in comment_themes(t)]
    assert len(with_theme) > 20
    gap = np.mean(with_theme) - np.mean(without)
    assert low < gap < high


def test_response_rates_and_timing(demo: Tables) -> None:
    inv = demo["invitations"]
    rate = np.mean([s == "responded" for s in inv["status"]])
    assert 0.15 < rate < 0.30
    for sent, answered in zip(inv["sent_at"], inv["responded_at"], strict=True):
        assert answered != answered or answered > sent


def _orders_per_customer(demo: Tables) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for c, status in zip(demo["orders"]["customer_id"], demo["orders"]["status"], strict=True):
        counts[c] += status != "cancelled"
    return counts


def test_promoters_buy_more_and_detractors_lapse(demo: Tables) -> None:
    """Relationship NPS splits customers; promoters made more purchases."""
    r = demo["responses"]
    a = demo["answers"]
    nps = {
        rid: s
        for rid, k, s in zip(a["response_id"], a["question_key"], a["score"], strict=True)
        if k == "nps"
    }
    survey = dict(zip(demo["surveys"]["key"], demo["surveys"]["id"], strict=True))
    latest: dict[str, int] = {}
    for rid, cust, sid in zip(r["id"], r["customer_id"], r["survey_id"], strict=True):
        if sid == survey["nps-relationship"]:
            latest[cust] = nps[rid]
    orders = _orders_per_customer(demo)
    promoters = [orders[c] for c, s in latest.items() if s >= 9]
    detractors = [orders[c] for c, s in latest.items() if s <= 6]
    assert len(promoters) > 40 and len(detractors) > 40
    assert np.mean(promoters) > 1.3 * np.mean(detractors)


def test_interactions_follow_activity(demo: Tables) -> None:
    orders = _orders_per_customer(demo)
    seen: dict[str, int] = defaultdict(int)
    for c in demo["interactions"]["customer_id"]:
        seen[c] += 1
    heavy = [seen[c] for c, n in orders.items() if n >= 5]
    light = [seen[c] for c, n in orders.items() if n == 1]
    assert np.mean(heavy) > 3 * np.mean(light)
    kinds = set(demo["interactions"]["kind"])
    assert {"visit", "page_view", "purchase", "login", "campaign_open", "campaign_click"} <= kinds
    touch = set(demo["interactions"]["touchpoint"])
    assert {"home", "product", "checkout", "delivery", "returns"} <= touch


def test_subscriptions_have_starts_upgrades_and_cancellations(demo: Tables) -> None:
    s = demo["subscriptions"]
    members = set(s["customer_id"])
    assert 0.06 < len(members) / 4000 < 0.14
    assert {"active", "cancelled", "upgraded"} <= set(s["status"])
    for status, reason, started, ended in zip(
        s["status"], s["cancel_reason"], s["started_at"], s["ended_at"], strict=True
    ):
        assert (status == "cancelled") == (reason is not None)
        assert (status == "active") == (ended != ended)
        assert ended != ended or ended >= started


def test_the_catalog_has_categories_and_fees(demo: Tables) -> None:
    p = demo["products"]
    assert 200 <= len(p["id"]) <= 210
    assert len({c for c, m in zip(p["category"], p["is_merchandise"], strict=True) if m}) == 8
    assert {"SHIP-STD", "SHIP-EXP"} <= set(p["external_id"])


def test_a_purchase_ends_its_session(demo: Tables) -> None:
    i = demo["interactions"]
    last: dict[str, float] = {}
    bought: dict[str, float] = {}
    for sid, kind, at in zip(i["session_id"], i["kind"], i["occurred_at"], strict=True):
        if sid is not None:
            last[sid] = max(last.get(sid, at), at)
            if kind == "purchase":
                bought[sid] = at
    assert len(bought) > 1000
    assert all(last[sid] == at for sid, at in bought.items())


def _study_answers(demo: Tables, key: str) -> dict[str, dict[str, int]]:
    """Answers of survey ``key`` per response: question key → score."""
    survey = dict(zip(demo["surveys"]["key"], demo["surveys"]["id"], strict=True))[key]
    r = demo["responses"]
    ours = {rid for rid, sid in zip(r["id"], r["survey_id"], strict=True) if sid == survey}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    a = demo["answers"]
    for rid, k, s in zip(a["response_id"], a["question_key"], a["score"], strict=True):
        if rid in ours:
            out[rid][k] = s
    return out


def test_loyalty_study_items_follow_satisfaction_and_the_rank_rule_tracks_the_share(
    demo: Tables,
) -> None:
    """The three loyalty items move together; the Wallet Allocation Rule share implied by the
    stated rank tracks the share stated spend implies (both planted from the same rank)."""
    answers = list(_study_answers(demo, "loyalty-study").values())
    assert len(answers) > 150
    assert all(len(a) == 6 for a in answers)
    recommend = np.array([a["recommend"] for a in answers], dtype=float)
    buy_again = np.array([a["buy_again"] for a in answers], dtype=float)
    assert np.corrcoef(recommend, buy_again)[0, 1] > 0.4
    shops = np.array([a["brands_used"] for a in answers], dtype=float)
    rank = np.array([a["brand_rank"] for a in answers], dtype=float)
    assert (rank >= 1).all() and (rank <= shops).all()
    war = (1 - rank / (shops + 1)) * 2 / shops
    first_choice = war[rank == 1].mean()
    assert first_choice > war[rank > 1].mean() + 0.15


def test_employee_pulse_is_anonymous_and_improves(demo: Tables) -> None:
    survey = dict(zip(demo["surveys"]["key"], demo["surveys"]["id"], strict=True))["enps-pulse"]
    r = demo["responses"]
    pulse = [i for i, sid in enumerate(r["survey_id"]) if sid == survey]
    assert len(pulse) > 60
    assert all(r["customer_id"][i] is None and r["invitation_id"][i] is None for i in pulse)
    scores = _study_answers(demo, "enps-pulse")
    at = {r["id"][i]: r["submitted_at"][i] for i in pulse}
    ordered = [scores[rid]["enps"] for rid in sorted(at, key=at.__getitem__)]
    half = len(ordered) // 2
    assert all(0 <= s <= 10 for s in ordered)
    assert np.mean(ordered[half:]) > np.mean(ordered[:half])
