"""Demo customers: who they are (country, language, names, contact data, consent, attributes)
and the hidden traits that drive their behaviour (satisfaction, purchase rate, dropout, spend).

The traits are drawn from the documented BG/NBD and Gamma-Gamma distributions (see
``docs/demo-data.md``) and tied to a latent satisfaction ``u ~ N(0, 1)`` through a Gaussian
copula, so every marginal stays exactly the documented one while promoters buy more often,
churn less and spend more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from opencx.demo.domain.rows import DAY, TableRows, make_ids, pick

COUNTRIES = ("NL", "DK", "GR", "GB")
COUNTRY_SHARE = (0.35, 0.15, 0.20, 0.30)
NATIVE = {"NL": "nl", "DK": "da", "GR": "el", "GB": "en"}
ENGLISH_ABROAD = 0.12  # share of NL/DK/GR customers who speak English with us
CHANNELS = ("web", "app", "store", "phone", "marketplace")
CHANNEL_SHARE = (0.45, 0.25, 0.20, 0.03, 0.07)
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SHARE = (0.12, 0.24, 0.22, 0.19, 0.14, 0.09)
NEVER_BUY = 0.06  # signed up (newsletter, account) but never ordered


@dataclass(frozen=True, slots=True)
class TrueParameters:
    """The generating parameters, in days. λ ~ Gamma(r, rate α); p ~ Beta(a, b);
    order value ~ Gamma(shape p_spend, rate ν) with ν ~ Gamma(q, rate γ)."""

    r: float = 0.9
    alpha: float = 70.0
    a: float = 0.8
    b: float = 3.2
    p_spend: float = 6.0
    q: float = 4.0
    gamma: float = 35.0
    rho_rate: float = 0.35  # copula correlation of u with λ's normal score
    rho_dropout: float = -0.45  # ... with p's
    rho_nu: float = -0.30  # ... with ν's (lower ν: higher spend)


def _listed(text: str) -> tuple[str, ...]:
    """``"de Jong, Jansen"`` → ``("de Jong", "Jansen")``: long word lists, one string each."""
    return tuple(name.strip() for name in text.split(","))


_FIRST = {
    "NL": (
        _listed("Emma, Sophie, Julia, Anna, Lisa, Sanne, Fleur, Eva, Lotte, Noor, Anouk, Femke"),
        _listed("Daan, Sem, Lucas, Milan, Bram, Thijs, Jeroen, Ruben, Lars, Stijn, Joris, Pieter"),
    ),
    "DK": (
        _listed(
            "Anne, Kirsten, Mette, Hanne, Camilla, Ida, Freja, Sofie, Line, Maja, Louise, Signe"
        ),
        _listed(
            "Jens, Peter, Lars, Søren, Mads, Rasmus, Mikkel, Frederik, Anders, Christian, "
            "Niels, Jakob"
        ),
    ),
    "GB": (
        _listed(
            "Olivia, Amelia, Isla, Emily, Sophie, Charlotte, Grace, Lucy, Hannah, Chloe, "
            "Jessica, Rebecca"
        ),
        _listed(
            "Oliver, George, Harry, Jack, James, Thomas, William, Daniel, Samuel, Joseph, "
            "Matthew, Ben"
        ),
    ),
    "GR": (
        _listed(
            "Maria, Eleni, Aikaterini, Sofia, Anastasia, Despoina, Vasiliki, Ioanna, "
            "Katerina, Evangelia, Georgia, Dimitra"
        ),
        _listed(
            "Giorgos, Dimitris, Nikos, Konstantinos, Giannis, Christos, Panagiotis, "
            "Alexandros, Michalis, Stavros, Vasilis, Kostas"
        ),
    ),
}
_GREEK_FIRST = (
    _listed(
        "Μαρία, Ελένη, Αικατερίνη, Σοφία, Αναστασία, Δέσποινα, Βασιλική, Ιωάννα, Κατερίνα, "
        "Ευαγγελία, Γεωργία, Δήμητρα"
    ),
    _listed(
        "Γιώργος, Δημήτρης, Νίκος, Κωνσταντίνος, Γιάννης, Χρήστος, Παναγιώτης, Αλέξανδρος, "
        "Μιχάλης, Σταύρος, Βασίλης, Κώστας"
    ),
)
_LAST = {
    "NL": _listed(
        "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, "
        "Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, "
        "Brouwer"
    ),
    "DK": _listed(
        "Jensen, Nielsen, Hansen, Pedersen, Andersen, Christensen, Larsen, Sørensen, "
        "Rasmussen, Jørgensen, Petersen, Madsen, Kristensen, Olsen, Thomsen, Poulsen, "
        "Johansen, Møller, Mortensen, Knudsen"
    ),
    "GB": _listed(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Patel, Robinson, "
        "Wright, Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Khan"
    ),
}
# Greek surnames: (male Greek, female Greek, male Latin, female Latin)
_GREEK_LAST = (
    ("Παπαδόπουλος", "Παπαδοπούλου", "Papadopoulos", "Papadopoulou"),
    ("Παπαδάκης", "Παπαδάκη", "Papadakis", "Papadaki"),
    ("Γεωργίου", "Γεωργίου", "Georgiou", "Georgiou"),
    ("Οικονόμου", "Οικονόμου", "Oikonomou", "Oikonomou"),
    ("Νικολάου", "Νικολάου", "Nikolaou", "Nikolaou"),
    ("Βασιλείου", "Βασιλείου", "Vasileiou", "Vasileiou"),
    ("Καραγιάννης", "Καραγιάννη", "Karagiannis", "Karagianni"),
    ("Δημητρίου", "Δημητρίου", "Dimitriou", "Dimitriou"),
    ("Αθανασίου", "Αθανασίου", "Athanasiou", "Athanasiou"),
    ("Μακρής", "Μακρή", "Makris", "Makri"),
    ("Κωνσταντίνου", "Κωνσταντίνου", "Konstantinou", "Konstantinou"),
    ("Ιωάννου", "Ιωάννου", "Ioannou", "Ioannou"),
    ("Παππάς", "Παππά", "Pappas", "Pappa"),
    ("Αντωνίου", "Αντωνίου", "Antoniou", "Antoniou"),
    ("Σταυρόπουλος", "Σταυροπούλου", "Stavropoulos", "Stavropoulou"),
    ("Μιχαηλίδης", "Μιχαηλίδου", "Michailidis", "Michailidou"),
    ("Λαμπράκης", "Λαμπράκη", "Lamprakis", "Lampraki"),
    ("Χριστοδούλου", "Χριστοδούλου", "Christodoulou", "Christodoulou"),
)
_DOMAINS = {
    "NL": ("gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "outlook.com"),
    "DK": ("gmail.com", "hotmail.dk", "outlook.dk", "mail.dk", "yahoo.dk"),
    "GR": ("gmail.com", "yahoo.gr", "hotmail.gr", "otenet.gr"),
    "GB": ("gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk"),
}
_ASCII = str.maketrans({"ø": "oe", "æ": "ae", "å": "aa", "Ø": "Oe", "Æ": "Ae", "Å": "Aa", " ": ""})
_DK_MOBILE = _listed(
    "20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 40, 41, 42, 50, 51, 52, 53, 60, 61, 71, "
    "81, 91, 92, 93"
)
_SPACE = {"NL": 9 * 10**7, "DK": len(_DK_MOBILE) * 10**6, "GR": 9 * 10**7, "GB": 6 * 10**8}
_PRIMES = (104_729, 130_363, 611_953, 899_809, 1_299_709)


@dataclass(frozen=True)
class People:
    """Demo customers as columns, plus their hidden traits (index = customer number)."""

    ids: np.ndarray
    country: np.ndarray
    language: np.ndarray
    created: np.ndarray  # signup, epoch seconds
    u: np.ndarray  # latent satisfaction, N(0, 1)
    rate: np.ndarray  # λ, purchases per day
    dropout: np.ndarray  # p
    nu: np.ndarray  # Gamma-Gamma scale: order value ~ Gamma(p_spend, rate ν)
    buyer: np.ndarray  # bool
    price_sensitive: np.ndarray  # bool
    preferred_channel: np.ndarray
    favourite_category: np.ndarray  # int index into the catalog's categories
    consent_email: np.ndarray
    consent_surveys: np.ndarray
    rows: TableRows

    @property
    def n(self) -> int:
        return len(self.ids)


def _traits(rng: np.random.Generator, n: int, tp: TrueParameters) -> tuple[np.ndarray, ...]:
    from scipy import stats

    u = rng.standard_normal(n)

    def linked(rho: float) -> np.ndarray:
        q: np.ndarray = stats.norm.cdf(rho * u + np.sqrt(1 - rho**2) * rng.standard_normal(n))
        return q

    rate = stats.gamma.ppf(linked(tp.rho_rate), tp.r, scale=1 / tp.alpha)
    dropout = stats.beta.ppf(linked(tp.rho_dropout), tp.a, tp.b)
    nu = stats.gamma.ppf(linked(tp.rho_nu), tp.q, scale=1 / tp.gamma)
    return u, np.maximum(rate, 1e-9), dropout, nu


def _signups(rng: np.random.Generator, n: int, start: float, end: float) -> np.ndarray:
    """Signup times with a growing business: density rising linearly from 0.7 to 1.3."""
    x = (-0.7 + np.sqrt(0.49 + 1.2 * rng.random(n))) / 0.6
    return np.floor(start + x * (end - 14 * DAY - start))


def _languages(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    native = np.array([NATIVE[c] for c in country.tolist()], dtype=object)
    english = (rng.random(len(country)) < ENGLISH_ABROAD) | (country == "GB")
    return np.where(english, "en", native).astype(object)


def _names(
    rng: np.random.Generator, country: np.ndarray, language: np.ndarray, female: np.ndarray
) -> tuple[list[str], list[str], list[str]]:
    """Display name, ASCII first and last name (for email addresses) per customer."""
    names, first_ascii, last_ascii = [], [], []
    fi = rng.integers(0, 12, len(country)).tolist()
    li = rng.integers(0, 20, len(country)).tolist()
    for c, lang, fem, f, last_i in zip(
        country.tolist(), language.tolist(), female.tolist(), fi, li, strict=True
    ):
        g = 0 if fem else 1
        first = _FIRST[c][g][f]
        if c == "GR":
            row = _GREEK_LAST[last_i % len(_GREEK_LAST)]
            last = row[2] if g else row[3]
            shown = (
                f"{_GREEK_FIRST[g][f]} {row[0 if g else 1]}" if lang == "el" else f"{first} {last}"
            )
        else:
            last = _LAST[c][last_i]
            shown = f"{first} {last}"
        names.append(shown)
        first_ascii.append(first.translate(_ASCII).lower())
        last_ascii.append(last.translate(_ASCII).lower())
    return names, first_ascii, last_ascii


def _emails(
    rng: np.random.Generator, country: np.ndarray, first: list[str], last: list[str]
) -> list[str]:
    style = rng.choice(4, size=len(first), p=(0.4, 0.25, 0.2, 0.15)).tolist()
    nums = rng.integers(10, 99, len(first)).tolist()
    dom = rng.integers(0, 5, len(first)).tolist()
    caps = (rng.random(len(first)) < 0.1).tolist()
    seen: set[str] = set()
    out = []
    for i, (c, f, la, s, k, d, cap) in enumerate(
        zip(country.tolist(), first, last, style, nums, dom, caps, strict=True)
    ):
        local = (f"{f}.{la}", f"{f}.{la}{k}", f"{f[0]}{la}{k}", f"{f}{k}")[s]
        domain = _DOMAINS[c][d % len(_DOMAINS[c])]
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{(i * 7) % 900 + 100}@{domain}"
        if email in seen:
            email = f"{local}.{i}@{domain}"
        seen.add(email)
        out.append(email.title() if cap else email)
    return out


def _phone(country: str, n: int) -> tuple[str, str]:
    """Display form in the country's usual format and its E.164 form, from a unique ``n``."""
    if country == "NL":
        d = f"{10**7 + n:08d}"
        return f"06-{d}", f"+316{d}"
    if country == "DK":
        d = _DK_MOBILE[(n // 10**6) % len(_DK_MOBILE)] + f"{n % 10**6:06d}"
        return f"{d[:2]} {d[2:4]} {d[4:6]} {d[6:]}", f"+45{d}"
    if country == "GR":
        d = f"69{10**7 + n:08d}"
        return f"{d[:3]} {d[3:6]} {d[6:]}", f"+30{d}"
    d = f"7{4 * 10**8 + n:09d}"
    return f"0{d[:4]} {d[4:]}", f"+44{d}"


def _phones(rng: np.random.Generator, country: np.ndarray) -> tuple[list[Any], list[Any]]:
    """Unique numbers from an affine bijection i -> (a*i + b) mod M, M = the number space."""
    a = int(rng.choice(_PRIMES))
    b = int(rng.integers(0, 10**6))
    has = rng.random(len(country)) < 0.85
    shown: list[str | None] = []
    e164: list[str | None] = []
    for i, (c, h) in enumerate(zip(country.tolist(), has.tolist(), strict=True)):
        space = _SPACE[c]
        pair = _phone(c, (a * i + b) % space) if h else (None, None)
        shown.append(pair[0])
        e164.append(pair[1])
    return shown, e164


def make_people(
    rng: np.random.Generator, n: int, start: float, end: float, tp: TrueParameters
) -> tuple[People, TableRows]:
    """Generate ``n`` customers signing up between ``start`` and ``end`` (epoch seconds).

    Returns the people (columns and traits) and their ``identities`` rows.
    """
    country = pick(rng, COUNTRIES, n, COUNTRY_SHARE)
    language = _languages(rng, country)
    female = rng.random(n) < 0.52
    names, first, last = _names(rng, country, language, female)
    emails = _emails(rng, country, first, last)
    has_email = rng.random(n) >= 0.04
    phones, e164 = _phones(rng, country)
    created = _signups(rng, n, start, end)
    u, rate, dropout, nu = _traits(rng, n, tp)
    ids = make_ids(rng, created)
    email_col = np.array(emails, dtype=object)
    email_col[~has_email] = None
    consent_email = has_email & (rng.random(n) < 0.72)
    consent_sms = np.array([p is not None for p in phones]) & (rng.random(n) < 0.3)
    consent_surveys = has_email & (rng.random(n) < 0.8)
    loyalty = rng.random(n) < 1 / (1 + np.exp(-(-0.6 + 0.5 * u)))
    age = pick(rng, AGE_BANDS, n, AGE_SHARE)
    channel = pick(rng, CHANNELS, n, CHANNEL_SHARE)
    young = np.isin(age, ("18-24", "25-34")) & (rng.random(n) < 0.3)
    channel = np.where(young & (channel == "web"), "app", channel).astype(object)
    spend = 6.0 / nu
    segment = np.select(
        [rate * 365 > 6, spend > 110, rate * 365 < 1.5],
        ["frequent", "big_ticket", "occasional"],
        "regular",
    )
    attributes = [
        {"loyalty_member": bool(lm), "age_band": ab, "preferred_channel": ch, "segment": sg}
        for lm, ab, ch, sg in zip(
            loyalty.tolist(), age.tolist(), channel.tolist(), segment.tolist(), strict=True
        )
    ]
    rows = TableRows(
        "customers",
        {
            "id": ids,
            "source": ["demo"] * n,
            "external_id": [f"C{i + 1:06d}" for i in range(n)],
            "name": names,
            "email": email_col,
            "phone": phones,
            "language": language,
            "country": country,
            "created_at": created,
            "attributes": attributes,
            "consent_email": consent_email,
            "consent_sms": consent_sms,
            "consent_surveys": consent_surveys,
        },
    )
    people = People(
        ids=ids,
        country=country,
        language=language,
        created=created,
        u=u,
        rate=rate,
        dropout=dropout,
        nu=nu,
        buyer=rng.random(n) >= NEVER_BUY,
        price_sensitive=rng.random(n) < 1 / (1 + np.exp(-(-1.2 - 0.4 * u))),
        preferred_channel=channel,
        favourite_category=rng.integers(0, 8, n),
        consent_email=consent_email,
        consent_surveys=consent_surveys,
        rows=rows,
    )
    return people, _identities(ids, created, email_col, e164)


def _identities(
    ids: np.ndarray, created: np.ndarray, emails: np.ndarray, e164: list[str | None]
) -> TableRows:
    cust: list[str] = []
    kind: list[str] = []
    value: list[str] = []
    when: list[float] = []
    for cid, at, email, phone in zip(
        ids.tolist(), created.tolist(), emails.tolist(), e164, strict=True
    ):
        if email is not None:
            cust.append(cid)
            kind.append("email")
            value.append(email.lower())
            when.append(at)
        if phone is not None:
            cust.append(cid)
            kind.append("phone")
            value.append(phone)
            when.append(at)
    ident_ids = [f"{cid[:11]}{kind_[0]}{cid[12:]}" for cid, kind_ in zip(cust, kind, strict=True)]
    return TableRows(
        "identities",
        {
            "id": ident_ids,
            "customer_id": cust,
            "kind": kind,
            "value": value,
            "source": ["demo"] * len(cust),
            "created_at": when,
        },
    )
