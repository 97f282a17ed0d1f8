"""The demo's support cases in four languages: categories, subjects, messages and agents."""

from __future__ import annotations

from collections.abc import Mapping

CASE_CATEGORIES = ("delivery", "returns", "product", "billing", "account")

CASE_SUBJECTS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "delivery": ("Where is my order?", "Parcel not delivered", "Delivery delayed"),
        "returns": ("Return request", "Refund not received", "Return label missing"),
        "product": ("Damaged item", "Product not working", "Question about a product"),
        "billing": ("Charged twice", "Wrong amount on invoice", "Payment question"),
        "account": ("Cannot log in", "Change my address", "Password reset not working"),
    },
    "nl": {
        "delivery": ("Waar blijft mijn bestelling?", "Pakket niet bezorgd", "Levering vertraagd"),
        "returns": ("Retour aanvragen", "Terugbetaling niet ontvangen", "Retourlabel ontbreekt"),
        "product": ("Beschadigd artikel", "Product werkt niet", "Vraag over een product"),
        "billing": ("Dubbel afgeschreven", "Verkeerd bedrag op factuur", "Vraag over betaling"),
        "account": ("Kan niet inloggen", "Adres wijzigen", "Wachtwoord herstellen werkt niet"),
    },
    "da": {
        "delivery": ("Hvor er min ordre?", "Pakken er ikke leveret", "Forsinket levering"),
        "returns": ("Anmodning om returnering", "Refusion ikke modtaget", "Returlabel mangler"),
        "product": ("Beskadiget vare", "Produktet virker ikke", "Spørgsmål om et produkt"),
        "billing": ("Trukket to gange", "Forkert beløb på fakturaen", "Spørgsmål om betaling"),
        "account": ("Kan ikke logge ind", "Ændring af adresse", "Nulstilling af kode virker ikke"),
    },
    "el": {
        "delivery": ("Πού είναι η παραγγελία μου;", "Το δέμα δεν παραδόθηκε", "Καθυστέρηση"),
        "returns": ("Αίτημα επιστροφής", "Δεν έλαβα τα χρήματα", "Λείπει η ετικέτα επιστροφής"),
        "product": ("Κατεστραμμένο προϊόν", "Το προϊόν δεν λειτουργεί", "Ερώτηση για προϊόν"),
        "billing": ("Χρεώθηκα δύο φορές", "Λάθος ποσό στο τιμολόγιο", "Ερώτηση για πληρωμή"),
        "account": ("Δεν μπορώ να συνδεθώ", "Αλλαγή διεύθυνσης", "Πρόβλημα με τον κωδικό"),
    },
}

CASE_MESSAGES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "delivery": (
            "Hi, my order should have arrived days ago but the tracking hasn't changed.",
            "The courier says delivered but I have received nothing.",
        ),
        "returns": (
            "I sent the item back two weeks ago and still have no refund.",
            "How do I return an item? There was no label in the box.",
        ),
        "product": (
            "The item I received is broken. What can you do?",
            "The product stopped working after a few days.",
        ),
        "billing": (
            "I was charged twice for the same order.",
            "The amount on my statement is different from the order.",
        ),
        "account": (
            "I can't log in to my account, the reset email never comes.",
            "Please update my delivery address.",
        ),
        "followup": (
            "Any news on this?",
            "Is there an update?",
            "I'm still waiting for an answer.",
        ),
        "reply": (
            "Thank you for your message. I have looked into it and will get back to you shortly.",
            "Sorry for the inconvenience. I have arranged a solution for you.",
            "Thanks for your patience, the issue has been resolved.",
            "I have forwarded this to our team; you will hear from us within a day.",
        ),
    },
    "nl": {
        "delivery": (
            "Hoi, mijn bestelling had al dagen geleden binnen moeten zijn, maar de track & trace "
            "verandert niet.",
            "De bezorger zegt dat het bezorgd is, maar ik heb niets ontvangen.",
        ),
        "returns": (
            "Ik heb het artikel twee weken geleden teruggestuurd en nog geen geld terug.",
            "Hoe stuur ik een artikel terug? Er zat geen label in de doos.",
        ),
        "product": (
            "Het artikel dat ik kreeg is kapot. Wat kunnen jullie doen?",
            "Het product werkt na een paar dagen niet meer.",
        ),
        "billing": (
            "Er is twee keer afgeschreven voor dezelfde bestelling.",
            "Het bedrag op mijn afschrift klopt niet met de bestelling.",
        ),
        "account": (
            "Ik kan niet inloggen, de resetmail komt nooit aan.",
            "Wilt u mijn bezorgadres aanpassen?",
        ),
        "followup": ("Is hier al nieuws over?", "Is er een update?", "Ik wacht nog op antwoord."),
        "reply": (
            "Bedankt voor uw bericht. Ik heb het uitgezocht en kom er snel bij u op terug.",
            "Excuses voor het ongemak. Ik heb een oplossing voor u geregeld.",
            "Bedankt voor uw geduld, het probleem is opgelost.",
            "Ik heb dit doorgestuurd naar ons team; u hoort binnen een dag van ons.",
        ),
    },
    "da": {
        "delivery": (
            "Hej, min ordre skulle være kommet for flere dage siden, men sporingen står stille.",
            "Budet siger, at den er leveret, men jeg har intet modtaget.",
        ),
        "returns": (
            "Jeg sendte varen retur for to uger siden og har stadig ikke fået pengene.",
            "Hvordan returnerer jeg en vare? Der var ingen label i kassen.",
        ),
        "product": (
            "Varen, jeg modtog, er i stykker. Hvad kan I gøre?",
            "Produktet holdt op med at virke efter få dage.",
        ),
        "billing": (
            "Jeg er blevet trukket to gange for den samme ordre.",
            "Beløbet på min kontoudskrift passer ikke med ordren.",
        ),
        "account": (
            "Jeg kan ikke logge ind, og mailen til nulstilling kommer aldrig.",
            "Vil I opdatere min leveringsadresse?",
        ),
        "followup": ("Er der nyt i sagen?", "Er der en opdatering?", "Jeg venter stadig på svar."),
        "reply": (
            "Tak for din besked. Jeg har undersøgt sagen og vender snart tilbage.",
            "Undskyld ulejligheden. Jeg har fundet en løsning til dig.",
            "Tak for din tålmodighed, problemet er løst.",
            "Jeg har sendt det videre til vores team; du hører fra os inden for en dag.",
        ),
    },
    "el": {
        "delivery": (
            "Γεια σας, η παραγγελία μου έπρεπε να έχει φτάσει εδώ και μέρες αλλά η "
            "παρακολούθηση δεν αλλάζει.",
            "Ο κούριερ λέει ότι παραδόθηκε αλλά δεν έλαβα τίποτα.",
        ),
        "returns": (
            "Έστειλα πίσω το προϊόν πριν από δύο εβδομάδες και ακόμα δεν πήρα τα χρήματα.",
            "Πώς μπορώ να επιστρέψω ένα προϊόν; Δεν υπήρχε ετικέτα στο κουτί.",
        ),
        "product": (
            "Το προϊόν που έλαβα είναι χαλασμένο. Τι μπορείτε να κάνετε;",
            "Το προϊόν σταμάτησε να λειτουργεί μετά από λίγες μέρες.",
        ),
        "billing": (
            "Χρεώθηκα δύο φορές για την ίδια παραγγελία.",
            "Το ποσό στον λογαριασμό μου δεν συμφωνεί με την παραγγελία.",
        ),
        "account": (
            "Δεν μπορώ να συνδεθώ και το email επαναφοράς δεν έρχεται ποτέ.",
            "Παρακαλώ αλλάξτε τη διεύθυνση παράδοσης.",
        ),
        "followup": ("Υπάρχουν νέα;", "Υπάρχει κάποια ενημέρωση;", "Ακόμα περιμένω απάντηση."),
        "reply": (
            "Σας ευχαριστούμε για το μήνυμά σας. Το εξετάζω και θα σας απαντήσω σύντομα.",
            "Ζητούμε συγγνώμη για την ταλαιπωρία. Σας βρήκαμε μια λύση.",
            "Ευχαριστούμε για την υπομονή σας, το πρόβλημα λύθηκε.",
            "Το προώθησα στην ομάδα μας· θα έχετε νέα μας μέσα σε μία μέρα.",
        ),
    },
}

AGENTS: Mapping[str, tuple[str, ...]] = {
    "nl": ("Sanne Bakker", "Joost de Wit", "Fatima El Amrani", "Ruud Verhoeven"),
    "da": ("Mette Holm", "Jonas Berg", "Sofie Lund", "Kasper Vinther"),
    "el": ("Ελένη Κωστοπούλου", "Νίκος Αντωνίου", "Μαρία Δήμου", "Γιώργος Ραφαηλίδης"),
    "en": ("Amy Collins", "Tom Clarke", "Priya Shah", "Liam Murphy"),
}
