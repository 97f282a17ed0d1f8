"""The demo retailer's catalog: 200 products in 8 categories plus non-merchandise items, all in EUR.

A handful of "lemon" products carry a much higher defect rate (a planted effect, see
``docs/demo-data.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opencx.demo.domain.rows import TableRows, make_ids

CURRENCY = "EUR"
# category: (nouns, min price, max price in EUR, share of lines, non-quality return rate per line)
CATEGORIES: dict[str, tuple[tuple[str, ...], float, float, float, float]] = {
    "Clothing": (("T-shirt", "Jeans", "Hoodie", "Dress", "Jacket"), 12, 140, 0.22, 0.13),
    "Shoes": (("Sneakers", "Boots", "Sandals", "Running shoes", "Loafers"), 35, 190, 0.10, 0.15),
    "Home & Kitchen": (("Pan", "Knife set", "Duvet", "Lamp", "Coffee maker"), 8, 260, 0.17, 0.04),
    "Electronics": (("Headphones", "Speaker", "Smartwatch", "Charger", "Tablet"), 15, 650, 0.12,
                    0.06),
    "Beauty": (("Face cream", "Shampoo", "Perfume", "Lipstick", "Hair dryer"), 5, 90, 0.12, 0.03),
    "Sports & Outdoors": (("Yoga mat", "Tent", "Backpack", "Bike light", "Dumbbells"), 10, 320,
                          0.10, 0.05),
    "Toys & Games": (("Board game", "Puzzle", "Building set", "Doll", "Toy car"), 8, 110, 0.09,
                     0.03),
    "Books & Stationery": (("Novel", "Cookbook", "Notebook", "Pen set", "Planner"), 6, 45, 0.08,
                           0.02),
}  # fmt: skip
_STYLES = ("Classic", "Urban", "Nordic", "Pro", "Eco")
NON_MERCH = (
    ("SHIP-STD", "Standard shipping", 495),
    ("SHIP-EXP", "Express shipping", 995),
    ("GIFT-WRAP", "Gift wrapping", 350),
)
LEMONS = 6  # products with a planted high defect rate


@dataclass(frozen=True)
class Catalog:
    ids: np.ndarray
    skus: np.ndarray
    category: np.ndarray  # int index into CATEGORIES (-1 for non-merchandise)
    price: np.ndarray  # cents
    lemon: np.ndarray  # bool
    return_rate: np.ndarray  # per line, non-quality returns
    rows: TableRows

    def item(self, sku: str) -> int:
        return int(np.flatnonzero(self.skus == sku)[0])

    def nearest(self, category: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Index of the product of ``category`` whose price is nearest ``target`` (cents)."""
        merch = np.flatnonzero(self.category >= 0)
        key = self.category[merch] * 10**9 + self.price[merch]
        order = np.argsort(key, kind="stable")
        skey = key[order]
        bounds = np.searchsorted(skey, np.arange(len(CATEGORIES) + 1) * 10**9)
        lo, hi = bounds[category], bounds[category + 1] - 1
        want = category * 10**9 + np.asarray(target, dtype=np.int64)
        j = np.clip(np.searchsorted(skey, want), lo, hi)
        k = np.clip(j - 1, lo, hi)
        best = np.where(np.abs(skey[k] - want) < np.abs(skey[j] - want), k, j)
        return merch[order[best]]


def make_catalog(rng: np.random.Generator, at: float) -> Catalog:
    """Five styles of five nouns per category (200 products) and the non-merchandise items."""
    skus, names, cats, prices = [], [], [], []
    for ci, (label, (nouns, lo, hi, _, _)) in enumerate(CATEGORIES.items()):
        euros = np.exp(rng.uniform(np.log(lo), np.log(hi), len(nouns) * len(_STYLES)))
        cents = (np.floor(euros) * 100 + rng.choice([95, 99, 50], size=len(euros))).astype(int)
        for k, (style, noun) in enumerate((s, n) for n in nouns for s in _STYLES):
            skus.append(f"{label[:3].upper()}-{ci + 1}{k + 1:03d}")
            names.append(f"{style} {noun}")
            cats.append(ci)
            prices.append(int(cents[k]))
    for sku, name, cents_ in NON_MERCH:
        skus.append(sku)
        names.append(name)
        cats.append(-1)
        prices.append(cents_)
    n = len(skus)
    category = np.array(cats)
    lemon = np.zeros(n, dtype=bool)
    lemon[rng.choice(np.flatnonzero(category >= 0), LEMONS, replace=False)] = True
    rates = np.array([v[4] for v in CATEGORIES.values()])
    labels = np.array([*CATEGORIES, "Fees"], dtype=object)
    rows = TableRows(
        "products",
        {
            "id": make_ids(rng, np.full(n, at)),
            "source": ["demo"] * n,
            "external_id": skus,
            "name": names,
            "category": labels[category],
            "list_price": np.array(prices),
            "currency": [CURRENCY] * n,
            "is_merchandise": category >= 0,
        },
    )
    return Catalog(
        ids=rows.columns["id"],
        skus=np.array(skus, dtype=object),
        category=category,
        price=np.array(prices, dtype=np.int64),
        lemon=lemon,
        return_rate=np.where(category >= 0, rates[category], 0.0),
        rows=rows,
    )
