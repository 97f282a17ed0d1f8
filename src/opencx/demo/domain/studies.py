"""Demo studies: a twice-yearly customer loyalty study and a quarterly employee pulse (eNPS).

The loyalty study asks the three Customer Loyalty Index items (recommend, buy again, try other
products; 0–10), how many shops the customer buys these categories from and where we rank among
them (the Wallet Allocation Rule's inputs), and the customer's total yearly spend in our
categories (share of wallet). Answers follow the customer's latent satisfaction and whether they
still buy; the stated spend is set so that our real spend of the year before is the share the
customer's rank implies, give or take. The employee pulse is anonymous (a web link, no customer,
no invitation) and improves over time. Sizes are in :data:`LOYALTY` / :data:`PULSE` and
``docs/demo-data.md``.
"""

from __future__ import annotations

import numpy as np

from opencx.demo.domain.feedback import waves
from opencx.demo.domain.orders import Orders
from opencx.demo.domain.people import NATIVE, People
from opencx.demo.domain.rows import DAY, HOUR, TableRows, make_ids
from opencx.demo.domain.surveys import survey_rows

LOYALTY = {  # latent means and effects of the loyalty study's 0–10 items
    "recommend": (8.0, 1.8, -1.0),  # base, per SD of satisfaction, if lapsed (no order in 180 d)
    "buy_again": (8.2, 1.5, -2.5),
    "try_other": (6.4, 1.4, -1.0),
}
LOYALTY_SAMPLE, LOYALTY_RESPONSE, ITEM_NOISE = 0.15, 0.20, 1.2
SHOPS_EXTRA = 2.0  # shops used for our categories: 1 + Poisson(2)
RANK_PER_SD, RANK_IF_ACTIVE, SHARE_NOISE = 0.9, 0.8, 0.35
LAPSED_SPEND_EUR = 650.0  # median stated yearly category spend of customers who buy elsewhere
PULSE = {
    "staff_per_customers": 200,
    "response": 0.65,
    "base": 6.8,
    "per_year": 0.6,
    "person_sd": 1.4,
    "noise": 1.1,
}
STUDIES = {  # key: kind, name, questions (key, type, min, max)
    "loyalty-study": (
        "loyalty",
        "Loyalty study",
        (
            ("recommend", "rating", 0, 10),
            ("buy_again", "rating", 0, 10),
            ("try_other", "rating", 0, 10),
            ("brands_used", "rating", 1, 10),
            ("brand_rank", "rating", 1, 10),
            ("category_spend", "number", 0, 1_000_000),
        ),
    ),
    "enps-pulse": ("enps", "Employee pulse", (("enps", "nps", 0, 10),)),
}
QUESTION_TEXTS = {  # English only
    "recommend": "How likely is it that you would recommend us to a friend or colleague?",
    "buy_again": "How likely is it that you will buy from us again?",
    "try_other": "How likely is it that you will try other products from us?",
    "brands_used": "From how many shops do you buy clothing, shoes, home and books?",
    "brand_rank": "Where do we rank among those shops (1 = the one you use most)?",
    "category_spend": "About how much do you spend on these in a year, in euros, in all shops?",
    "enps": "How likely is it that you would recommend working here to a friend?",
}


def _loyalty_answers(
    rng: np.random.Generator, people: People, o: Orders, cust: np.ndarray, wave: np.ndarray
) -> dict[str, np.ndarray]:
    """The six answers of each respondent (customer ``cust`` answering at ``wave``)."""
    from scipy import stats

    n, u = len(cust), people.u[cust]
    by_customer = np.argsort(o.customer, kind="stable")  # orders grouped by customer, in time
    bounds = np.searchsorted(o.customer[by_customer], np.arange(people.n + 1))
    active = np.zeros(n, dtype=bool)
    ours = np.zeros(n)
    for j, (c, t) in enumerate(zip(cust.tolist(), wave.tolist(), strict=True)):
        own = by_customer[bounds[c] : bounds[c + 1]]
        times = o.time[own]
        active[j] = bool(((times < t) & (times >= t - 180 * DAY)).any())
        ours[j] = o.value[own][(times < t) & (times >= t - 365 * DAY)].sum() / 100
    out = {}
    for key, (base, per_sd, lapsed) in LOYALTY.items():
        latent = base + per_sd * u + lapsed * ~active + rng.normal(0, ITEM_NOISE, n)
        out[key] = np.clip(np.round(latent), 0, 10).astype(int)
    shops = np.clip(1 + rng.poisson(SHOPS_EXTRA, n), 1, 10)
    pull = RANK_PER_SD * u + RANK_IF_ACTIVE * active + rng.standard_normal(n)
    rank = np.minimum(1 + np.floor(stats.norm.cdf(-pull) * shops), shops).astype(int)
    war = (1 - rank / (shops + 1)) * 2 / shops  # the Wallet Allocation Rule's share
    share = np.clip(war * np.exp(rng.normal(0, SHARE_NOISE, n)), 0.02, 1.0)
    elsewhere = LAPSED_SPEND_EUR * np.exp(rng.normal(0, 0.5, n))
    stated = np.where(ours > 0, ours / share, elsewhere)
    out["brands_used"], out["brand_rank"] = shops, rank
    out["category_spend"] = np.clip(np.round(stated / 10) * 10, 10, 1_000_000).astype(int)
    return out


def _loyalty(
    rng: np.random.Generator, people: People, o: Orders, survey_id: str, start: float, end: float
) -> list[TableRows]:
    first = np.full(people.n, np.inf)
    np.minimum.at(first, o.customer, o.time)
    cust_parts, wave_parts = [], []
    for wave in waves(start, end, (3, 9), 15):
        eligible = people.consent_surveys & (first < wave)
        cust_parts.append(np.flatnonzero(eligible & (rng.random(people.n) < LOYALTY_SAMPLE)))
        wave_parts.append(np.full(len(cust_parts[-1]), wave))
    cust = np.concatenate([*cust_parts, np.zeros(0, int)]).astype(int)
    sent = np.concatenate([*wave_parts, np.zeros(0)])
    n = len(cust)
    submitted = sent + np.ceil(rng.lognormal(np.log(20 * HOUR), 1.0, n))
    responded = (rng.random(n) < LOYALTY_RESPONSE) & (submitted < end)
    inv_ids = make_ids(rng, sent)
    tokens = rng.integers(0, 2**63, (n, 4)).tolist()
    invitations = TableRows(
        "invitations",
        {
            "id": inv_ids,
            "survey_id": [survey_id] * n,
            "customer_id": people.ids[cust],
            "channel": ["email"] * n,
            "trigger": ["loyalty_wave"] * n,
            "trigger_ref": [None] * n,
            "token_hash": ["".join(f"{x:016x}" for x in t) for t in tokens],
            "scheduled_at": sent,
            "sent_at": sent,
            "opened_at": np.where(responded, submitted - 60, np.nan),
            "responded_at": np.where(responded, submitted, np.nan),
            "status": np.where(responded, "responded", "sent").astype(object),
        },
    )
    idx = np.flatnonzero(responded)
    idx = idx[np.argsort(submitted[idx], kind="stable")]
    answers = _loyalty_answers(rng, people, o, cust[idx], sent[idx])
    rows = _responses(
        rng, ("loyalty-study", survey_id), submitted[idx], answers, people.language[cust[idx]]
    )
    rows[0].columns.update(
        customer_id=people.ids[cust[idx]], invitation_id=inv_ids[idx], channel=["email"] * len(idx)
    )
    return [invitations, *rows]


def _pulse(
    rng: np.random.Generator, people: People, survey_id: str, start: float, end: float
) -> list[TableRows]:
    staff = max(20, people.n // int(PULSE["staff_per_customers"]))
    person = rng.normal(0, PULSE["person_sd"], staff)
    country = people.country[rng.integers(0, people.n, staff)]
    subs, scores, langs = [], [], []
    for wave in waves(start, end, (1, 4, 7, 10), 10):
        who = np.flatnonzero(rng.random(staff) < PULSE["response"])
        years = (wave - start) / (365 * DAY)
        latent = PULSE["base"] + PULSE["per_year"] * years + person[who]
        latent = latent + rng.normal(0, PULSE["noise"], len(who))
        scores.append(np.clip(np.round(latent), 0, 10).astype(int))
        subs.append(wave + rng.uniform(0, 5 * DAY, len(who)))
        langs.append(np.array([NATIVE[c] for c in country[who].tolist()], dtype=object))
    submitted = np.concatenate([*subs, np.zeros(0)])
    order = np.argsort(submitted, kind="stable")
    score = np.concatenate([*scores, np.zeros(0, int)])[order]
    language = np.concatenate([*langs, np.zeros(0, object)])[order]
    rows = _responses(rng, ("enps-pulse", survey_id), submitted[order], {"enps": score}, language)
    m = len(order)
    rows[0].columns.update(customer_id=[None] * m, invitation_id=[None] * m, channel=["web"] * m)
    return rows


def _responses(
    rng: np.random.Generator,
    survey: tuple[str, str],
    submitted: np.ndarray,
    answers: dict[str, np.ndarray],
    language: np.ndarray,
) -> list[TableRows]:
    """Responses (the caller adds who answered and how) and one answer per item."""
    key, survey_id = survey
    m = len(submitted)
    ids = make_ids(rng, submitted)
    types = {q[0]: q[1] for study in STUDIES.values() for q in study[2]}
    responses = TableRows(
        "responses",
        {
            "id": ids,
            "source": ["demo"] * m,
            "external_id": [f"{key}-{j + 1:06d}" for j in range(m)],
            "survey_id": [survey_id] * m,
            "submitted_at": submitted,
            "language": language,
            "touchpoint": [None] * m,
            "context_kind": [None] * m,
            "context_id": [None] * m,
            "completed": [True] * m,
            "submission": [{k: int(v[j]) for k, v in answers.items()} for j in range(m)],
        },
    )
    keys = list(answers)
    rid = np.repeat(ids, len(keys))
    at = np.repeat(submitted, len(keys))
    score = np.stack([answers[k] for k in keys], axis=1).reshape(-1) if m else np.zeros(0, int)
    rows = TableRows(
        "answers",
        {
            "id": make_ids(rng, at),
            "response_id": rid,
            "question_key": keys * m,
            "question_type": [types[k] for k in keys] * m,
            "score": score.tolist(),
            "choices": [None] * len(rid),
            "text": [None] * len(rid),
            "language": np.repeat(language, len(keys)),
        },
    )
    return [responses, rows]


def make_studies(
    rng: np.random.Generator, people: People, o: Orders, start: float, end: float
) -> list[TableRows]:
    """The study surveys, then the loyalty study's invitations, responses and answers, then the
    employee pulse's responses and answers (parents before children)."""
    texts = {key: {"en": text} for key, text in QUESTION_TEXTS.items()}
    surveys, questions, ids = survey_rows(rng, start, STUDIES, texts, ("en",))
    loyalty = _loyalty(rng, people, o, ids["loyalty-study"], start, end)
    pulse = _pulse(rng, people, ids["enps-pulse"], start, end)
    return [surveys, questions, *loyalty, *pulse]
