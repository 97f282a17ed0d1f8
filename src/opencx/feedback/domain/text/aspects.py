"""Aspects: the things customers of a shop write about, named once for every language.

Discovered themes follow the words of one language at a time ("levering, snel, verpakt";
"παράδοση, γρήγορη"), so a Dutch and a Greek complaint about delivery land in two themes. An
aspect is found by its words in every language the product speaks: a comment is tagged with each
aspect one of its words names, beside the themes discovered in it, so "Delivery" is one figure
across languages in the volumes, the key drivers and the trends.

Each aspect lists word beginnings, casefolded: a term's word matches when it starts with one
(``lever`` finds levering, leveret, geleverd is not found: a list errs on missing words, never on
a wrong name). A beginning shorter than four letters, or ending in ``=``, matches the whole word
only (``app``, not "appreciate"; ``virke=``, not "virkelig").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

LEXICON = """
Delivery
  en: deliver shipping shipped parcel package packag courier tracking arriv dispatch delayed
  nl: lever geleverd bezorg pakket verzend verpakt koerier track vertraagd
  da: leveret pakke forsend fragt kurer forsinket
  el: παράδοσ παραδόθ δέμα κούριερ αποστολ μεταφορικ συσκευασ καθυστέρ
  de fr es: liefer versand paket zustell livr colis expédi entreg envío paquete
Price and value
  en: price prices pric expensive cheap cost value money offers sale
  nl: prijs prijzen duur goedkop geld aanbieding
  da: pris prisen priserne dyr dyrt billig penge pengene omkostning tilbud
  el: τιμ τιμή τιμές ακριβ φθην χρήματ λεφτ προσφορ
  de fr es: preis teuer günstig prix cher coût argent precio caro barato dinero
Quality
  en: quality broke broken damaged solid defect stitching working described photos
  nl: kwaliteit kapot beschadigd stevig gemaakt naden werkte beschreven foto
  da: kvalitet ødelagt defekt velfremstillet beskadiget stykker sømmene virke= beskrevet billeder
  el: ποιότητ χαλασ χάλασ σπασμ κατεστραμμέν ελαττωματ στιβαρ λειτουργ ραφές φωτογραφ
  de fr es: qualität kaputt beschädigt qualité cassé abîmé calidad roto dañad
Returns and refunds
  en: return returns returning refund exchange
  nl: retour retourneren terugbetal ruil terugstur
  da: retur returproces refusion tilbagebetal bytte tilbage
  el: επιστροφ επιστράφ επιστρέψ
  de fr es: rückgabe erstatt umtausch retoure rembours échange devoluc reembols
Website and app
  en: website site app checkout login logged search payment crash online
  nl: zoekfunctie inlog logde betalen afreken
  da: hjemmeside siden appen loggede betaling søgefunktion
  el: ιστοσελίδ εφαρμογ αναζήτησ αποσυνδ πληρωμ
  de fr es: webseite anmeld appli connexion aplicación pago
Staff and service
  en: staff service employee friendly rude helpful advice support phone counter lady agent
  nl: personeel medewerker vriendelijk onvriendelijk behulpzaam advies onbeleefd telefoon
  da: personale personalet medarbejder venlig hjælpsom rådgivning kyndig kundeservice telefonen
  el: εξυπηρέτησ υπάλληλ προσωπικ ευγεν καταρτισμέν τηλέφων
  de fr es: personal mitarbeiter freundlich kundendienst personnel aimable servicio amable
"""
"""Each aspect (a line of its own) and its word beginnings per language (indented lines)."""


def _aspects(text: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    name = ""
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            name = line.strip()
            found[name] = []
        else:
            found[name] += line.split(":", 1)[1].casefold().split()
    return {k: tuple(v) for k, v in found.items()}


ASPECTS = _aspects(LEXICON)
"""Aspect name → its word beginnings, casefolded."""

SHARE = 0.4
"""The least share of a theme's term weight on one aspect for it to take that aspect's name."""


def _matches(word: str, start: str) -> bool:
    if start.endswith("="):  # a whole word only: "virke=" (works), not "virkelig" (really)
        return word == start[:-1]
    return word == start if len(start) < 4 else word.startswith(start)


def aspect_of(terms: Mapping[str, float]) -> str | None:
    """The aspect most of ``terms``' weight falls on (at least :data:`SHARE` of it, and more
    than any other aspect's), or None. A term (a word or two) counts for an aspect when one of
    its words matches."""
    total = sum(terms.values())
    if total <= 0:
        return None
    weight = dict.fromkeys(ASPECTS, 0.0)
    for term, w in terms.items():
        words = term.split()
        for aspect, starts in ASPECTS.items():
            if any(_matches(word, s) for word in words for s in starts):
                weight[aspect] += w
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= SHARE * total and top > second:
        return best
    return None


_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def aspects_in(text: str) -> list[str]:
    """The aspects a comment names, in :data:`ASPECTS` order: those one of its words matches."""
    words = {w.casefold() for w in _WORD.findall(text)}
    return [
        aspect
        for aspect, starts in ASPECTS.items()
        if any(_matches(word, s) for word in words for s in starts)
    ]
