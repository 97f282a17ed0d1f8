"""The demo surveys' question texts in four languages."""

from __future__ import annotations

from collections.abc import Mapping

QUESTIONS: Mapping[str, Mapping[str, str]] = {
    "nps": {
        "en": "How likely is it that you would recommend us to a friend or colleague?",
        "nl": "Hoe waarschijnlijk is het dat u ons aanbeveelt aan een vriend of collega?",
        "da": "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
        "el": "Πόσο πιθανό είναι να μας προτείνετε σε έναν φίλο ή συνάδελφο;",
    },
    "comment": {
        "en": "What is the main reason for your score?",
        "nl": "Wat is de belangrijkste reden voor uw score?",
        "da": "Hvad er hovedårsagen til din vurdering?",
        "el": "Ποιος είναι ο κύριος λόγος για τη βαθμολογία σας;",
    },
    "csat": {
        "en": "How satisfied are you with how we handled your question?",
        "nl": "Hoe tevreden bent u over de afhandeling van uw vraag?",
        "da": "Hvor tilfreds er du med behandlingen af din henvendelse?",
        "el": "Πόσο ικανοποιημένοι είστε με τον χειρισμό του αιτήματός σας;",
    },
    "ces": {
        "en": "The company made it easy for me to handle my issue.",
        "nl": "Het bedrijf maakte het mij makkelijk om mijn probleem op te lossen.",
        "da": "Virksomheden gjorde det nemt for mig at få løst mit problem.",
        "el": "Η εταιρεία μου έκανε εύκολη την επίλυση του προβλήματός μου.",
    },
}
