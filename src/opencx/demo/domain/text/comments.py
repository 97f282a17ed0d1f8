"""The demo's survey comments in Dutch, Danish, Greek and English, and their themes.

Comments are written per theme (delivery, quality, staff, price, website, returns) and polarity
(``pos``/``neg``), five phrasings each per language, so text analytics has real themes to find.
:func:`comment_themes` maps a generated comment back to the (theme, polarity) pairs it was built
from; tests and docs use it to check the planted text effects.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("nl", "da", "el", "en")
THEMES = ("delivery", "quality", "staff", "price", "website", "returns")

Bank = Mapping[str, Mapping[str, Mapping[str, tuple[str, ...]]]]

COMMENTS: Bank = {
    "en": {
        "delivery": {
            "neg": (
                "My parcel arrived a week later than promised.",
                "Delivery took far too long.",
                "The order was delayed and nobody told me why.",
                "Still waiting for my package after the promised date.",
                "The courier missed the delivery window twice.",
            ),
            "pos": (
                "Delivered the next day, very quick!",
                "Fast delivery and well packaged.",
                "The parcel arrived earlier than expected.",
                "Delivery was on time and the tracking was clear.",
                "Quick and smooth delivery.",
            ),
        },
        "quality": {
            "neg": (
                "The product broke after a few days.",
                "Poor quality, not what I expected for the price.",
                "The item arrived damaged.",
                "The stitching came loose after one wash.",
                "It stopped working within a week.",
            ),
            "pos": (
                "Great quality, feels very solid.",
                "The product is even better than in the photos.",
                "Excellent quality for the money.",
                "Well made and exactly as described.",
                "Really happy with the quality.",
            ),
        },
        "staff": {
            "neg": (
                "The staff were rude and unhelpful.",
                "Nobody in the store could answer my question.",
                "The person on the phone was impatient with me.",
                "The employee ignored me at the counter.",
                "Unfriendly service, I felt like a nuisance.",
            ),
            "pos": (
                "The staff were really friendly and helpful.",
                "Lovely service in the store.",
                "The lady on the phone went out of her way to help me.",
                "Very knowledgeable and kind staff.",
                "Great advice from the employee.",
            ),
        },
        "price": {
            "neg": (
                "Too expensive compared to other shops.",
                "Prices have gone up a lot.",
                "The shipping costs are far too high.",
                "I found the same item cheaper elsewhere.",
                "Not good value for money.",
            ),
            "pos": (
                "Good prices and nice discounts.",
                "Great value for money.",
                "The sale offers were really good.",
                "Cheaper than anywhere else I looked.",
                "Fair prices, no surprises.",
            ),
        },
        "website": {
            "neg": (
                "The website kept crashing at checkout.",
                "Hard to find what I was looking for on the site.",
                "The app logged me out during payment.",
                "Payment failed twice on the website.",
                "The search function on the site is useless.",
            ),
            "pos": (
                "The website is easy to use.",
                "Ordering through the app was quick and simple.",
                "Checkout was smooth and fast.",
                "Easy to find everything on the site.",
                "The app works really well.",
            ),
        },
        "returns": {
            "neg": (
                "Returning the item was a hassle.",
                "I'm still waiting for my refund.",
                "The return label never arrived.",
                "The returns process is far too complicated.",
                "It took weeks to get my money back.",
            ),
            "pos": (
                "Returning was easy and free.",
                "My refund came within two days.",
                "Hassle-free returns, very good.",
                "The return was handled quickly.",
                "Simple return process, no questions asked.",
            ),
        },
    },
    "nl": {
        "delivery": {
            "neg": (
                "Mijn pakket kwam een week later dan beloofd.",
                "De levering duurde veel te lang.",
                "De bestelling was vertraagd en niemand vertelde me waarom.",
                "Na de beloofde datum wacht ik nog steeds op mijn pakket.",
                "De bezorger heeft het tijdvak twee keer gemist.",
            ),
            "pos": (
                "De volgende dag al bezorgd, heel snel!",
                "Snelle levering en goed verpakt.",
                "Het pakket kwam eerder dan verwacht.",
                "Op tijd geleverd en de track & trace was duidelijk.",
                "Vlotte en soepele bezorging.",
            ),
        },
        "quality": {
            "neg": (
                "Het product ging na een paar dagen kapot.",
                "Slechte kwaliteit, niet wat ik voor die prijs verwachtte.",
                "Het artikel kwam beschadigd aan.",
                "De naden lieten na één wasbeurt al los.",
                "Het werkte binnen een week niet meer.",
            ),
            "pos": (
                "Geweldige kwaliteit, voelt heel stevig aan.",
                "Het product is nog mooier dan op de foto's.",
                "Uitstekende kwaliteit voor dat geld.",
                "Goed gemaakt en precies zoals beschreven.",
                "Echt blij met de kwaliteit.",
            ),
        },
        "staff": {
            "neg": (
                "Het personeel was onbeleefd en hielp niet.",
                "Niemand in de winkel kon mijn vraag beantwoorden.",
                "De medewerker aan de telefoon was ongeduldig.",
                "De medewerker negeerde me bij de kassa.",
                "Onvriendelijke service, ik voelde me lastig.",
            ),
            "pos": (
                "Het personeel was erg vriendelijk en behulpzaam.",
                "Heel fijne service in de winkel.",
                "De medewerker aan de telefoon deed echt haar best om me te helpen.",
                "Zeer deskundig en vriendelijk personeel.",
                "Goed advies gekregen van de medewerker.",
            ),
        },
        "price": {
            "neg": (
                "Te duur vergeleken met andere winkels.",
                "De prijzen zijn flink gestegen.",
                "De verzendkosten zijn veel te hoog.",
                "Ik vond hetzelfde artikel elders goedkoper.",
                "Geen goede prijs-kwaliteitverhouding.",
            ),
            "pos": (
                "Goede prijzen en leuke kortingen.",
                "Prima prijs-kwaliteitverhouding.",
                "De aanbiedingen waren echt goed.",
                "Goedkoper dan overal waar ik heb gekeken.",
                "Eerlijke prijzen, geen verrassingen.",
            ),
        },
        "website": {
            "neg": (
                "De website liep steeds vast bij het afrekenen.",
                "Moeilijk om te vinden wat ik zocht op de site.",
                "De app logde me uit tijdens het betalen.",
                "De betaling mislukte twee keer op de website.",
                "De zoekfunctie op de site is waardeloos.",
            ),
            "pos": (
                "De website is makkelijk in gebruik.",
                "Bestellen via de app ging snel en eenvoudig.",
                "Afrekenen ging soepel en snel.",
                "Alles is makkelijk te vinden op de site.",
                "De app werkt echt goed.",
            ),
        },
        "returns": {
            "neg": (
                "Het retourneren was een gedoe.",
                "Ik wacht nog steeds op mijn terugbetaling.",
                "Het retourlabel is nooit aangekomen.",
                "Het retourproces is veel te ingewikkeld.",
                "Het duurde weken voordat ik mijn geld terugkreeg.",
            ),
            "pos": (
                "Retourneren was makkelijk en gratis.",
                "Mijn geld stond binnen twee dagen terug.",
                "Zorgeloos retourneren, heel goed.",
                "Het retour werd snel afgehandeld.",
                "Eenvoudig retourproces, zonder vragen.",
            ),
        },
    },
    "da": {
        "delivery": {
            "neg": (
                "Min pakke kom en uge senere end lovet.",
                "Leveringen tog alt for lang tid.",
                "Ordren blev forsinket, og ingen fortalte mig hvorfor.",
                "Jeg venter stadig på min pakke efter den lovede dato.",
                "Budet missede leveringstidspunktet to gange.",
            ),
            "pos": (
                "Leveret dagen efter, meget hurtigt!",
                "Hurtig levering og godt pakket ind.",
                "Pakken kom tidligere end forventet.",
                "Leveringen var til tiden, og sporingen var tydelig.",
                "Hurtig og problemfri levering.",
            ),
        },
        "quality": {
            "neg": (
                "Produktet gik i stykker efter få dage.",
                "Dårlig kvalitet, ikke hvad jeg forventede til prisen.",
                "Varen kom beskadiget frem.",
                "Sømmene gik op efter én vask.",
                "Den holdt op med at virke inden for en uge.",
            ),
            "pos": (
                "Fremragende kvalitet, føles meget solid.",
                "Produktet er endnu bedre end på billederne.",
                "Rigtig god kvalitet for pengene.",
                "Velfremstillet og præcis som beskrevet.",
                "Jeg er virkelig glad for kvaliteten.",
            ),
        },
        "staff": {
            "neg": (
                "Personalet var uhøflige og uhjælpsomme.",
                "Ingen i butikken kunne svare på mit spørgsmål.",
                "Medarbejderen i telefonen var utålmodig.",
                "Medarbejderen ignorerede mig ved kassen.",
                "Uvenlig service, jeg følte mig til besvær.",
            ),
            "pos": (
                "Personalet var virkelig venlige og hjælpsomme.",
                "Dejlig service i butikken.",
                "Damen i telefonen gjorde alt for at hjælpe mig.",
                "Meget kyndigt og venligt personale.",
                "God rådgivning fra medarbejderen.",
            ),
        },
        "price": {
            "neg": (
                "For dyrt i forhold til andre butikker.",
                "Priserne er steget meget.",
                "Fragtomkostningerne er alt for høje.",
                "Jeg fandt den samme vare billigere et andet sted.",
                "Ikke meget for pengene.",
            ),
            "pos": (
                "Gode priser og fine rabatter.",
                "Rigtig meget for pengene.",
                "Tilbuddene var virkelig gode.",
                "Billigere end alle andre steder, jeg kiggede.",
                "Fair priser, ingen overraskelser.",
            ),
        },
        "website": {
            "neg": (
                "Hjemmesiden gik ned ved betalingen.",
                "Svært at finde det, jeg ledte efter, på siden.",
                "Appen loggede mig ud under betalingen.",
                "Betalingen fejlede to gange på hjemmesiden.",
                "Søgefunktionen på siden er ubrugelig.",
            ),
            "pos": (
                "Hjemmesiden er nem at bruge.",
                "Det var hurtigt og nemt at bestille i appen.",
                "Betalingen gik glat og hurtigt.",
                "Det er nemt at finde alt på siden.",
                "Appen fungerer rigtig godt.",
            ),
        },
        "returns": {
            "neg": (
                "Det var besværligt at returnere varen.",
                "Jeg venter stadig på min refusion.",
                "Returlabelen kom aldrig.",
                "Returprocessen er alt for kompliceret.",
                "Det tog flere uger at få mine penge tilbage.",
            ),
            "pos": (
                "Det var nemt og gratis at returnere.",
                "Jeg fik pengene tilbage inden for to dage.",
                "Problemfri returnering, meget godt.",
                "Returneringen blev hurtigt behandlet.",
                "Enkel returproces uden spørgsmål.",
            ),
        },
    },
    "el": {
        "delivery": {
            "neg": (
                "Το δέμα μου έφτασε μία εβδομάδα αργότερα από ό,τι μου είχαν πει.",
                "Η παράδοση άργησε πάρα πολύ.",
                "Η παραγγελία καθυστέρησε και κανείς δεν μου είπε γιατί.",
                "Ακόμα περιμένω το δέμα μου μετά την ημερομηνία που μου είπαν.",
                "Ο κούριερ δεν ήρθε στην ώρα του δύο φορές.",
            ),
            "pos": (
                "Παραδόθηκε την επόμενη μέρα, πολύ γρήγορα!",
                "Γρήγορη παράδοση και καλή συσκευασία.",
                "Το δέμα ήρθε νωρίτερα από το αναμενόμενο.",
                "Η παράδοση έγινε στην ώρα της και η παρακολούθηση ήταν σαφής.",
                "Γρήγορη και ομαλή παράδοση.",
            ),
        },
        "quality": {
            "neg": (
                "Το προϊόν χάλασε μετά από λίγες μέρες.",
                "Κακή ποιότητα, όχι αυτό που περίμενα για αυτή την τιμή.",
                "Το προϊόν έφτασε κατεστραμμένο.",
                "Οι ραφές άνοιξαν μετά από ένα πλύσιμο.",
                "Σταμάτησε να λειτουργεί μέσα σε μία εβδομάδα.",
            ),
            "pos": (
                "Εξαιρετική ποιότητα, πολύ στιβαρό.",
                "Το προϊόν είναι ακόμα καλύτερο από τις φωτογραφίες.",
                "Άριστη ποιότητα για τα χρήματα.",
                "Καλοφτιαγμένο και ακριβώς όπως περιγράφεται.",
                "Είμαι πολύ ευχαριστημένος με την ποιότητα.",
            ),
        },
        "staff": {
            "neg": (
                "Το προσωπικό ήταν αγενές και δεν βοήθησε.",
                "Κανείς στο κατάστημα δεν μπορούσε να απαντήσει στην ερώτησή μου.",
                "Ο υπάλληλος στο τηλέφωνο ήταν ανυπόμονος μαζί μου.",
                "Ο υπάλληλος με αγνόησε στο ταμείο.",
                "Αγενής εξυπηρέτηση, ένιωσα ότι ενοχλούσα.",
            ),
            "pos": (
                "Το προσωπικό ήταν πολύ φιλικό και εξυπηρετικό.",
                "Υπέροχη εξυπηρέτηση στο κατάστημα.",
                "Η κυρία στο τηλέφωνο έκανε τα πάντα για να με βοηθήσει.",
                "Πολύ καταρτισμένο και ευγενικό προσωπικό.",
                "Πολύ καλές συμβουλές από τον υπάλληλο.",
            ),
        },
        "price": {
            "neg": (
                "Πολύ ακριβό σε σύγκριση με άλλα καταστήματα.",
                "Οι τιμές έχουν ανέβει πολύ.",
                "Τα μεταφορικά είναι πάρα πολύ ακριβά.",
                "Βρήκα το ίδιο προϊόν φθηνότερα αλλού.",
                "Δεν αξίζει τα χρήματά του.",
            ),
            "pos": (
                "Καλές τιμές και ωραίες εκπτώσεις.",
                "Πολύ καλή σχέση ποιότητας και τιμής.",
                "Οι προσφορές ήταν πραγματικά καλές.",
                "Φθηνότερο από οπουδήποτε αλλού έψαξα.",
                "Δίκαιες τιμές, χωρίς εκπλήξεις.",
            ),
        },
        "website": {
            "neg": (
                "Η ιστοσελίδα κολλούσε συνέχεια στην πληρωμή.",
                "Δύσκολα βρίσκεις αυτό που ψάχνεις στην ιστοσελίδα.",
                "Η εφαρμογή με αποσύνδεσε κατά την πληρωμή.",
                "Η πληρωμή απέτυχε δύο φορές στην ιστοσελίδα.",
                "Η αναζήτηση στην ιστοσελίδα είναι άχρηστη.",
            ),
            "pos": (
                "Η ιστοσελίδα είναι εύκολη στη χρήση.",
                "Η παραγγελία μέσω της εφαρμογής ήταν γρήγορη και απλή.",
                "Η πληρωμή έγινε γρήγορα και χωρίς προβλήματα.",
                "Βρίσκεις εύκολα τα πάντα στην ιστοσελίδα.",
                "Η εφαρμογή λειτουργεί πολύ καλά.",
            ),
        },
        "returns": {
            "neg": (
                "Η επιστροφή του προϊόντος ήταν μεγάλη ταλαιπωρία.",
                "Ακόμα περιμένω την επιστροφή των χρημάτων μου.",
                "Η ετικέτα επιστροφής δεν ήρθε ποτέ.",
                "Η διαδικασία επιστροφής είναι πολύ περίπλοκη.",
                "Πέρασαν εβδομάδες μέχρι να πάρω πίσω τα χρήματά μου.",
            ),
            "pos": (
                "Η επιστροφή ήταν εύκολη και δωρεάν.",
                "Τα χρήματα επιστράφηκαν μέσα σε δύο μέρες.",
                "Επιστροφή χωρίς κανένα πρόβλημα, πολύ καλό.",
                "Η επιστροφή διεκπεραιώθηκε γρήγορα.",
                "Απλή διαδικασία επιστροφής, χωρίς ερωτήσεις.",
            ),
        },
    },
}


_PHRASE_INDEX: dict[str, tuple[str, str]] = {
    phrase: (theme, polarity)
    for by_theme in COMMENTS.values()
    for theme, by_polarity in by_theme.items()
    for polarity, phrases in by_polarity.items()
    for phrase in phrases
}


def comment_themes(text: str) -> list[tuple[str, str]]:
    """The (theme, polarity) pairs whose phrases a generated comment is made of, in order.

    >>> comment_themes("Delivery took far too long. Great value for money.")
    [('delivery', 'neg'), ('price', 'pos')]
    """
    found = [(text.find(p), tp) for p, tp in _PHRASE_INDEX.items() if p in text]
    return [tp for _, tp in sorted(found)]
