"""The metric catalogue as plain text: each metric's name, title, unit, definition and reference.

Importable without Ibis, so that ``opencx metrics --help`` and ``opencx metrics list`` answer at
once (a metric's expression is imported when it is computed). The registry
(:data:`opencx.metrics.domain.registry.METRICS`) stays the one definition:
``tests/metrics/test_catalogue.py`` checks this catalogue says what it says, in its order.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "Entry"]


@dataclass(frozen=True, slots=True)
class Entry:
    """What a metric is, in words: its command name, title, unit, definition and source."""

    name: str
    title: str
    unit: str
    definition: str
    reference: str


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "nps",
        "Net Promoter Score",
        "points",
        "% promoters (9–10) − % detractors (0–6) among 0–10 answers, −100..100",
        "Reichheld (2003), HBR 81(12); interval: Rocks (2016), The American Statistician 70(4)",
    ),
    Entry(
        "enps",
        "Employee NPS",
        "points",
        "NPS of 0–10 answers to surveys of kind enps; groups of fewer than 5 respondents are "
        "suppressed (anonymous)",
        "Reichheld (2003), HBR 81(12); interval: Rocks (2016), The American Statistician 70(4)",
    ),
    Entry(
        "csat",
        "CSAT (top-2-box)",
        "%",
        "% of CSAT answers in the top two points of the scale (4–5 on 1–5); Wilson interval",
        "ACSI practice; Wilson (1927)",
    ),
    Entry(
        "csat_mean",
        "CSAT (mean)",
        "score",
        "mean CSAT score on the question's scale; t interval",
        "",
    ),
    Entry(
        "ces",
        "Customer Effort Score",
        "score",
        "mean CES 2.0 agreement, 1–7 ('The company made it easy ...'); t interval",
        "Dixon, Freeman & Toman (2010), HBR 88(7); CEB CES 2.0 (2013)",
    ),
    Entry(
        "ces_agree",
        "CES (% agreeing)",
        "%",
        "% of CES answers above the scale midpoint (5–7 of 7, 4–5 of 5); Wilson interval",
        "",
    ),
    Entry(
        "loyalty_index",
        "Customer Loyalty Index",
        "0–100",
        "mean over respondents of (recommend + buy again + try other)/3 × 10, items 0–10",
        "Hayes (2008), Beyond the Ultimate Question",
    ),
    Entry(
        "share_of_wallet",
        "Share of wallet",
        "%",
        "our net spend in the 365 days before the answer / stated total category spend",
        "",
    ),
    Entry(
        "wallet_allocation",
        "Wallet allocation (rank rule)",
        "%",
        "(1 − rank/(brands + 1)) × 2/brands, mean over respondents",
        "Keiningham et al. (2015), The Wallet Allocation Rule, Wiley; HBR 2015",
    ),
    Entry(
        "response_rate",
        "Survey response rate",
        "%",
        "invitations answered / invitations sent, by send time; Wilson interval",
        "",
    ),
    Entry(
        "repeat_purchase_rate",
        "Repeat purchase rate",
        "%",
        "customers with ≥ 2 purchases in the window / customers with ≥ 1; Wilson interval",
        "Fader & Hardie; Kumar & Reinartz (2018), Customer Relationship Management",
    ),
    Entry(
        "purchase_frequency",
        "Purchase frequency",
        "orders",
        "purchases per purchasing customer in the window; t interval",
        "",
    ),
    Entry(
        "average_order_value",
        "Average order value",
        "currency",
        "mean gross merchandise value of purchases; t interval",
        "",
    ),
    Entry(
        "revenue_per_customer",
        "Revenue per customer",
        "currency",
        "net revenue (sales − returns) per customer with an order; t interval",
        "",
    ),
    Entry(
        "return_rate",
        "Return rate",
        "%",
        "units returned or cancelled / units sold; delta-method interval over orders",
        "Cochran (1977), Sampling Techniques, §6.4",
    ),
    Entry(
        "clv_historical",
        "Historical CLV",
        "currency",
        "margin × net revenue to date, mean per customer (margin parameter, default 1)",
        "Kumar (2008), Managing Customers for Profit",
    ),
    Entry(
        "churn_rate",
        "Customer churn rate",
        "%",
        "customers whose last purchase turns window_days (180) old in the period / customers "
        "active at its start; Wilson interval",
        "Fader & Hardie (2009), J. Interactive Marketing 23(1)",
    ),
    Entry(
        "retention_rate",
        "Customer retention rate",
        "%",
        "customers active at the period's start and at its end / active at start",
        "",
    ),
    Entry(
        "subscription_churn_rate",
        "Subscription churn rate",
        "%",
        "subscriptions ending in the period / subscriptions active at its start",
        "",
    ),
    Entry(
        "nrr",
        "Net revenue retention",
        "%",
        "end MRR of customers paying at the start / their start MRR; > 100% is negative churn",
        "KeyBanc SaaS survey practice; Bessemer (2019)",
    ),
    Entry(
        "grr",
        "Gross revenue retention",
        "%",
        "as NRR with each customer's end MRR capped at its start MRR",
        "",
    ),
    Entry(
        "cohort_retention",
        "Cohort retention",
        "%",
        "share of a first-purchase cohort purchasing again `age` periods later (triangle)",
        "Fader & Hardie, cohort analysis",
    ),
    Entry(
        "active_days",
        "Active days per customer",
        "days",
        "distinct UTC days with an interaction, mean over customers active in the period",
        "",
    ),
    Entry(
        "touchpoints",
        "Touchpoints per customer",
        "interactions",
        "interactions per customer active in the period; t interval",
        "",
    ),
    Entry(
        "channels_per_customer",
        "Channels per customer",
        "channels",
        "distinct channels used per customer active in the period; t interval",
        "",
    ),
    Entry(
        "channel_mix",
        "Channel mix",
        "%",
        "share of interactions through each channel; Wilson interval",
        "",
    ),
)
