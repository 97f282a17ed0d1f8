"""Survey metrics: NPS, eNPS, CSAT, CES, Customer Loyalty Index, share of wallet, response rate.

Each function receives :class:`Sources` (lazy Ibis frames) and returns the statistics table
grouped by the query keys. Scores outside a question's scale never reach these tables: imports
reject them (feedback slice); the definitions still ignore null scores.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from opencx.metrics.domain.frames import Tables, answers_frame, invitations_frame, orders_frame
from opencx.metrics.domain.metric import (
    Metric,
    Query,
    Rollup,
    Sources,
    bucket,
    by_day,
    count_if,
    mean_stats,
)
from opencx.metrics.domain.periods import epoch_days

CLI_KEYS = ("recommend", "buy_again", "try_other")
SOW_KEY = "category_spend"
WAR_RANK_KEY, WAR_BRANDS_KEY = "brand_rank", "brands_used"
NPS_REF = "Reichheld (2003), HBR 81(12); interval: Rocks (2016), The American Statistician 70(4)"


ANONYMITY = 5
"""Employee surveys are anonymous: no group (breakdown, period or total) of fewer respondents
than this is shown."""


SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
"""Default scale per question type, when ``survey_questions`` does not give one."""


SCORE_KEYS = ("question_type", "survey_kind", "scale_min", "scale_max", "score")
"""What the score counts are grouped by, besides the query's keys."""


def _with_scores(a: ir.Table) -> ir.Table:
    """Answers with a score to an NPS, CSAT or CES question."""
    return a.filter(a.score.notnull() & a.question_type.isin(list(SCALES)))


def _answer_days_rollup(tables: Tables) -> ir.Table:
    a = _with_scores(answers_frame(tables))
    a = a.mutate(day=epoch_days(a.at))
    keys = ["day", "survey", "channel", "touchpoint", "language", *SCORE_KEYS]
    return a.group_by(keys).aggregate(w=a.count())


ANSWER_DAYS = Rollup(
    "answer_days",
    ("answers", "responses", "surveys", "survey_questions"),
    ("survey", "channel", "touchpoint", "language", *SCORE_KEYS),
    _answer_days_rollup,
    facts=("answers", "responses"),
)
"""Scored answers (NPS, CSAT, CES) counted per UTC day, survey, response channel, touchpoint,
language, question type, survey kind, scale and score. Without the customer: a breakdown by a
customer attribute reads the answers."""


def _score_counts(src: Sources, q: Query) -> ir.Table:
    """Answers counted per group, question type, survey kind, scale and score; shared.

    Every single-question survey metric (NPS, eNPS, CSAT, CES) is a weighted sum over this
    small table, so a suite reads the answers once (or the :data:`ANSWER_DAYS` rollup).
    """

    def build() -> ir.Table:
        keys = list(dict.fromkeys([*q.keys, *SCORE_KEYS]))
        rollup = src.rollup(ANSWER_DAYS)
        if rollup is not None:
            r = by_day(rollup, q)
            return r.group_by(keys).aggregate(w=r.w.sum())
        a = bucket(_with_scores(src.frame("answers")), q)
        return a.group_by(keys).aggregate(w=a.count())

    return src.shared(("score_counts",), build)


def _scored(src: Sources, q: Query, question_type: str) -> ir.Table:
    """Scores of one type inside their question's scale, with their counts ``w``.

    An out-of-scale score is never used.
    """
    low, high = SCALES[question_type]
    a = _score_counts(src, q)
    return a.filter(
        (a.question_type == question_type)
        & (a.score >= a.scale_min.fill_null(low))
        & (a.score <= a.scale_max.fill_null(high))
    )


def _share(a: ir.Table, q: Query, cond: ir.BooleanValue) -> ir.Table:
    """n = Σw and k = Σw over the score rows where ``cond`` holds, per group."""
    return a.aggregate(by=q.keys, n=a.w.sum(), k=cond.ifelse(a.w, 0).sum())


def _mean_of(a: ir.Table, q: Query) -> ir.Table:
    x = a.score.cast("float64")
    w = a.w.cast("float64")
    return a.aggregate(by=q.keys, n=a.w.sum(), s=(w * x).sum(), ss=(w * x * x).sum())


def _nps_of(a: ir.Table, q: Query) -> ir.Table:
    s = a.score
    return a.aggregate(
        by=q.keys,
        n=a.w.sum(),
        promoters=(s >= 9).ifelse(a.w, 0).sum(),
        detractors=(s <= 6).ifelse(a.w, 0).sum(),
    )


def nps(src: Sources, q: Query) -> ir.Table:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6) of 0–10 answers."""
    a = _scored(src, q, "nps")
    return _nps_of(a.filter(a.survey_kind.fill_null("") != "enps"), q)


def enps(src: Sources, q: Query) -> ir.Table:
    """Employee NPS: the NPS of 0–10 answers to surveys of kind ``enps``."""
    a = _scored(src, q, "nps")
    return _nps_of(a.filter(a.survey_kind == "enps"), q)


def csat(src: Sources, q: Query) -> ir.Table:
    """CSAT top-2-box: answers in the two highest points of the question's scale (default 1–5)."""
    a = _scored(src, q, "csat")
    top = a.score >= a.scale_max.fill_null(5) - 1
    return _share(a, q, top)


def csat_mean(src: Sources, q: Query) -> ir.Table:
    return _mean_of(_scored(src, q, "csat"), q)


def ces(src: Sources, q: Query) -> ir.Table:
    """CES 2.0 mean agreement (1–7; the 5-point variant is read from the question's scale)."""
    return _mean_of(_scored(src, q, "ces"), q)


def ces_agree(src: Sources, q: Query) -> ir.Table:
    """% agreeing: scores above the scale midpoint (5–7 on 1–7, 4–5 on 1–5)."""
    a = _scored(src, q, "ces")
    agree = a.score * 2 > a.scale_min.fill_null(1) + a.scale_max.fill_null(7)
    return _share(a, q, agree)


def _per_response(src: Sources, q: Query, keys: tuple[str, ...]) -> ir.Table:
    a = src.frame("answers")
    a = bucket(a.filter(a.question_key.isin(list(keys)) & a.score.notnull()), q)
    cols = {k: (a.question_key == k).ifelse(a.score, ibis.null()).max() for k in keys}
    return a.group_by([*q.keys, "response_id"]).aggregate(answered=a.score.count(), **cols)


def loyalty_index(src: Sources, q: Query) -> ir.Table:
    """Customer Loyalty Index: mean of recommend, buy again and try other (0–10), on 0–100."""
    r = _per_response(src, q, CLI_KEYS)
    r = r.filter(r.answered == len(CLI_KEYS))
    index = sum((r[k].cast("float64") for k in CLI_KEYS), ibis.literal(0.0)) * (10.0 / 3.0)
    return r.aggregate(by=q.keys, **mean_stats(index))


def wallet_allocation(src: Sources, q: Query) -> ir.Table:
    """Wallet Allocation Rule share, %: (1 − rank/(brands + 1)) × 2/brands per respondent."""
    r = _per_response(src, q, (WAR_RANK_KEY, WAR_BRANDS_KEY))
    r = r.filter((r.answered == 2) & (r[WAR_BRANDS_KEY] > 0) & (r[WAR_RANK_KEY] > 0))
    n = r[WAR_BRANDS_KEY].cast("float64")
    rank = r[WAR_RANK_KEY].cast("float64")
    share = (1.0 - rank / (n + 1.0)) * (2.0 / n) * 100.0
    return r.aggregate(by=q.keys, **mean_stats(share))


def share_of_wallet(src: Sources, q: Query) -> ir.Table:
    """Our net spend in the 365 days before the answer / stated total category spend, %, ≤ 100."""
    a = src.frame("answers")
    a = bucket(a.filter((a.question_key == SOW_KEY) & (a.score > 0)), q)
    a = a.select(
        *q.keys, "response_id", rcid=a.customer_id, stated=a.score, rs=a.at.epoch_seconds()
    )
    o = orders_frame(src.tables)  # the respondent's own orders: the breakdown is the answer's
    o = o.select(ocid=o.customer_id, os=o.at.epoch_seconds(), net=o.net)
    year = 365 * 86_400
    j = a.left_join(o, (a.rcid == o.ocid) & (o.os < a.rs) & (o.os >= a.rs - year))
    per = j.group_by([*q.keys, "response_id", "stated"]).aggregate(ours=j.net.sum())
    share = (per.ours.fill_null(0.0) / per.stated.cast("float64")).clip(0.0, 1.0) * 100.0
    return per.aggregate(by=q.keys, **mean_stats(share))


def _invitation_days_rollup(tables: Tables) -> ir.Table:
    i = invitations_frame(tables)
    i = i.mutate(day=epoch_days(i.at))
    keys = ["day", "survey", "survey_kind", "channel", "trigger"]
    return i.group_by(keys).aggregate(n=i.count(), k=count_if(i.responded))


INVITATION_DAYS = Rollup(
    "invitation_days",
    ("invitations", "surveys"),
    ("survey", "survey_kind", "channel", "trigger"),
    _invitation_days_rollup,
    facts=("invitations",),
)
"""Sent invitations and those answered, per UTC day of sending, survey, channel and trigger."""


def response_rate(src: Sources, q: Query) -> ir.Table:
    """Responses / invitations sent, by the time the invitation was sent."""
    rollup = src.rollup(INVITATION_DAYS)
    if rollup is not None:
        r = by_day(rollup, q)
        return r.aggregate(by=q.keys, n=r.n.sum(), k=r.k.sum())
    i = bucket(src.frame("invitations"), q)
    return i.aggregate(by=q.keys, n=i.count(), k=count_if(i.responded))


SURVEY_METRICS = (
    Metric(
        "nps",
        "Net Promoter Score",
        "answers",
        nps,
        "nps",
        "points",
        "% promoters (9–10) − % detractors (0–6) among 0–10 answers, −100..100",
        NPS_REF,
    ),
    Metric(
        "enps",
        "Employee NPS",
        "answers",
        enps,
        "nps",
        "points",
        "NPS of 0–10 answers to surveys of kind enps; groups of fewer than 5 respondents "
        "are suppressed (anonymous)",
        NPS_REF,
        anonymity=ANONYMITY,
    ),
    Metric(
        "csat",
        "CSAT (top-2-box)",
        "answers",
        csat,
        "proportion",
        "%",
        "% of CSAT answers in the top two points of the scale (4–5 on 1–5); Wilson interval",
        "ACSI practice; Wilson (1927)",
    ),
    Metric(
        "csat_mean",
        "CSAT (mean)",
        "answers",
        csat_mean,
        "mean",
        "score",
        "mean CSAT score on the question's scale; t interval",
    ),
    Metric(
        "ces",
        "Customer Effort Score",
        "answers",
        ces,
        "mean",
        "score",
        "mean CES 2.0 agreement, 1–7 ('The company made it easy ...'); t interval",
        "Dixon, Freeman & Toman (2010), HBR 88(7); CEB CES 2.0 (2013)",
    ),
    Metric(
        "ces_agree",
        "CES (% agreeing)",
        "answers",
        ces_agree,
        "proportion",
        "%",
        "% of CES answers above the scale midpoint (5–7 of 7, 4–5 of 5); Wilson interval",
    ),
    Metric(
        "loyalty_index",
        "Customer Loyalty Index",
        "answers",
        loyalty_index,
        "index",
        "0–100",
        "mean over respondents of (recommend + buy again + try other)/3 × 10, items 0–10",
        "Hayes (2008), Beyond the Ultimate Question",
        bounds=(0.0, 100.0),
    ),
    Metric(
        "share_of_wallet",
        "Share of wallet",
        "answers",
        share_of_wallet,
        "mean",
        "%",
        "our net spend in the 365 days before the answer / stated total category spend",
        bounds=(0.0, 100.0),
    ),
    Metric(
        "wallet_allocation",
        "Wallet allocation (rank rule)",
        "answers",
        wallet_allocation,
        "mean",
        "%",
        "(1 − rank/(brands + 1)) × 2/brands, mean over respondents",
        "Keiningham et al. (2015), The Wallet Allocation Rule, Wiley; HBR 2015",
        bounds=(0.0, 100.0),
    ),
    Metric(
        "response_rate",
        "Survey response rate",
        "invitations",
        response_rate,
        "proportion",
        "%",
        "invitations answered / invitations sent, by send time; Wilson interval",
    ),
)
