"""The invitation message: subject, plain text and HTML with the score scale as one-click links.

Pure: the caller passes the links' base and the token. Every piece of survey text is escaped for
HTML; the plain-text part carries the same links, so a text-only mail reader can answer too.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from opencx.feedback.domain.strings import pick, system
from opencx.feedback.domain.surveys import Survey

_LOW_HIGH = {
    "nps": ("not_likely", "very_likely"),
    "csat": ("unsatisfied", "satisfied"),
    "ces": ("difficult", "easy"),
}


@dataclass(frozen=True, slots=True)
class Invitation:
    subject: str
    text: str
    html: str
    sms: str


def survey_url(base_url: str, token: str, score: int | None = None) -> str:
    url = f"{base_url.rstrip('/')}/r/{token}"
    return url if score is None else f"{url}?score={score}"


def opt_out_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/r/{token}/opt-out"


def scale_labels(question_type: str, language: str | None) -> tuple[str, str]:
    low, high = _LOW_HIGH.get(question_type, ("", ""))
    return (system(low, language) if low else "", system(high, language) if high else "")


def invitation(survey: Survey, language: str | None, base_url: str, token: str) -> Invitation:
    """The email and SMS texts inviting to ``survey`` in ``language`` (with fallback)."""
    lang = language or survey.default_language
    subject = survey.text("subject", lang) or system(
        "invite_subject", lang, survey.default_language
    )
    main = survey.main
    open_url = survey_url(base_url, token)
    question = pick(main.text, lang, survey.default_language) if main else survey.name
    lines = [question, "", system("invite_intro", lang)]
    cells = []
    if main is not None and main.scale is not None and main.scale[1] - main.scale[0] <= 10:
        low, high = scale_labels(main.type, lang)
        for score in range(main.scale[0], main.scale[1] + 1):
            url = survey_url(base_url, token, score)
            lines.append(f"  {score}: {url}")
            cells.append(
                f'<td><a href="{escape(url)}" style="display:inline-block;min-width:28px;'
                f"padding:8px;border:1px solid #888;border-radius:4px;text-align:center;"
                f'text-decoration:none">{score}</a></td>'
            )
        scale_note = f'<p style="font-size:12px">{escape(low)} … {escape(high)}</p>'
    else:
        scale_note = ""
    lines += [
        "",
        system("invite_link", lang),
        open_url,
        "",
        system("unsubscribe", lang),
        opt_out_url(base_url, token),
    ]
    html = (
        f'<!doctype html><html lang="{escape(lang)}"><body>'
        f"<p>{escape(question)}</p><p>{escape(system('invite_intro', lang))}</p>"
        f'<table role="presentation"><tr>{"".join(cells)}</tr></table>{scale_note}'
        f'<p>{escape(system("invite_link", lang))} <a href="{escape(open_url)}">'
        f"{escape(open_url)}</a></p>"
        f'<p style="font-size:12px">{escape(system("unsubscribe", lang))} '
        f'<a href="{escape(opt_out_url(base_url, token))}">{escape(opt_out_url(base_url, token))}'
        "</a></p></body></html>"
    )
    sms = f"{question} {open_url}"
    return Invitation(subject, "\n".join(lines) + "\n", html, sms)
