"""System strings of every survey page and message, translated, and the fallback rule.

A survey's own texts (questions, choices, intro, thanks) live in its definition; the strings
here are the ones OpenCX itself shows around them (buttons, scale ends, errors, the invitation
mail). Both are looked up with :func:`pick`: the exact language, then its base language
(``nl-BE`` → ``nl``), then the survey's default language, then English, then any text at all,
so a page is never left with a blank where a word should be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SUPPORTED = ("nl", "da", "el", "en")
FALLBACK = "en"

SYSTEM: Mapping[str, Mapping[str, str]] = {
    "submit": {"en": "Send", "nl": "Versturen", "da": "Send", "el": "Αποστολή"},
    "thanks": {
        "en": "Thank you for your feedback!",
        "nl": "Bedankt voor je feedback!",
        "da": "Tak for din feedback!",
        "el": "Ευχαριστούμε για τα σχόλιά σας!",
    },
    "score_saved": {
        "en": "Your score is saved. Would you tell us a bit more?",
        "nl": "Je score is opgeslagen. Wil je ons iets meer vertellen?",
        "da": "Din vurdering er gemt. Vil du fortælle os lidt mere?",
        "el": "Η βαθμολογία σας αποθηκεύτηκε. Θέλετε να μας πείτε κάτι παραπάνω;",
    },
    "score_picked": {
        "en": "Your score is selected. Press Send to save it, or tell us a bit more first.",
        "nl": "Je score is gekozen. Druk op Versturen om hem op te slaan, "
        "of vertel ons eerst iets meer.",
        "da": "Din vurdering er valgt. Tryk på Send for at gemme den, "
        "eller fortæl os lidt mere først.",
        "el": "Η βαθμολογία σας επιλέχθηκε. Πατήστε Αποστολή για να αποθηκευτεί "
        "ή πείτε μας πρώτα κάτι παραπάνω.",
    },
    "not_likely": {
        "en": "Not at all likely",
        "nl": "Helemaal niet waarschijnlijk",
        "da": "Slet ikke sandsynligt",
        "el": "Καθόλου πιθανό",
    },
    "very_likely": {
        "en": "Extremely likely",
        "nl": "Zeer waarschijnlijk",
        "da": "Meget sandsynligt",
        "el": "Εξαιρετικά πιθανό",
    },
    "unsatisfied": {
        "en": "Very unsatisfied",
        "nl": "Zeer ontevreden",
        "da": "Meget utilfreds",
        "el": "Πολύ δυσαρεστημένος",
    },
    "satisfied": {
        "en": "Very satisfied",
        "nl": "Zeer tevreden",
        "da": "Meget tilfreds",
        "el": "Πολύ ικανοποιημένος",
    },
    "difficult": {
        "en": "Very difficult",
        "nl": "Zeer moeilijk",
        "da": "Meget svært",
        "el": "Πολύ δύσκολο",
    },
    "easy": {"en": "Very easy", "nl": "Zeer gemakkelijk", "da": "Meget nemt", "el": "Πολύ εύκολο"},
    "expired": {
        "en": "This survey link has expired or was already used.",
        "nl": "Deze enquêtelink is verlopen of al gebruikt.",
        "da": "Dette link til undersøgelsen er udløbet eller allerede brugt.",
        "el": "Αυτός ο σύνδεσμος έρευνας έληξε ή έχει ήδη χρησιμοποιηθεί.",
    },
    "required": {
        "en": "Please answer this question.",
        "nl": "Beantwoord deze vraag alstublieft.",
        "da": "Besvar venligst dette spørgsmål.",
        "el": "Παρακαλούμε απαντήστε σε αυτή την ερώτηση.",
    },
    "invite_subject": {
        "en": "How did we do?",
        "nl": "Hoe hebben we het gedaan?",
        "da": "Hvordan klarede vi os?",
        "el": "Πώς τα πήγαμε;",
    },
    "invite_intro": {
        "en": "We would love to hear about your experience. Click a score to answer:",
        "nl": "We horen graag hoe je het hebt ervaren. Klik op een score om te antwoorden:",
        "da": "Vi vil gerne høre om din oplevelse. Klik på en vurdering for at svare:",
        "el": "Θα θέλαμε να μάθουμε για την εμπειρία σας. Κάντε κλικ σε μια βαθμολογία:",
    },
    "invite_link": {
        "en": "Or open the survey:",
        "nl": "Of open de enquête:",
        "da": "Eller åbn undersøgelsen:",
        "el": "Ή ανοίξτε την έρευνα:",
    },
    "unsubscribe": {
        "en": "No more surveys? Unsubscribe:",
        "nl": "Geen enquêtes meer? Afmelden:",
        "da": "Ingen flere undersøgelser? Afmeld:",
        "el": "Όχι άλλες έρευνες; Διαγραφή:",
    },
    "unsubscribed": {
        "en": "You will not receive surveys from us any more.",
        "nl": "Je ontvangt geen enquêtes meer van ons.",
        "da": "Du modtager ikke flere undersøgelser fra os.",
        "el": "Δεν θα λαμβάνετε πλέον έρευνες από εμάς.",
    },
    "comment": {
        "en": "Anything you would like to add?",
        "nl": "Wil je nog iets toevoegen?",
        "da": "Er der noget, du vil tilføje?",
        "el": "Θέλετε να προσθέσετε κάτι;",
    },
}


def candidates(language: str | None, default: str | None = None) -> list[str]:
    """The languages tried for ``language``, in order (duplicates removed).

    >>> candidates("nl-BE", "da")
    ['nl-be', 'nl', 'da', 'en']
    """
    chain: list[str] = []
    for lang in (language, (language or "").split("-")[0], default, FALLBACK):
        if lang and lang.lower() not in chain:
            chain.append(lang.lower())
    return chain


def pick(texts: Mapping[str, str], language: str | None, default: str | None = None) -> str:
    """The text of ``texts`` (language → text) for ``language`` by the fallback rule.

    >>> pick({"en": "Send", "nl": "Versturen"}, "nl-BE")
    'Versturen'
    >>> pick({"en": "Send"}, "el")
    'Send'
    """
    lowered = {k.lower(): v for k, v in texts.items() if v}
    for lang in candidates(language, default):
        if lang in lowered:
            return lowered[lang]
    return next(iter(lowered.values()), "")


def system(key: str, language: str | None, default: str | None = None) -> str:
    """A system string (``submit``, ``thanks``, ...) in ``language``."""
    return pick(SYSTEM[key], language, default)


def missing_translations(keys: Iterable[str], languages: Iterable[str]) -> list[str]:
    """System strings without a text in one of ``languages`` (``key:lang``); empty when complete."""
    return [f"{k}:{lang}" for k in keys for lang in languages if lang not in SYSTEM[k]]
