"""Feedback pages: the dashboard (surveys, editor with preview per language, responses, the
closed-loop queue) for users, and the public survey pages a respondent reaches by a signed link.

Public pages need no login: the token in the link is the credential, checked by the service.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from opencx.core import InvalidInput, NotFound, OpenCXError, ensure_utc
from opencx.core.services import service_of
from opencx.core.spreadsheet import csv_text
from opencx.core.text import nested_too_deep, surrogate_refused
from opencx.feedback.deps import FeedbackServiceDep as Service
from opencx.feedback.domain import (
    SUPPORTED,
    Answer,
    Survey,
    parse_definition,
    pick,
    system,
    to_definition,
    untranslated,
    visible,
)
from opencx.feedback.domain.messages import scale_labels
from opencx.feedback.domain.text import ASPECTS
from opencx.feedback.domain.webhooks import WEBHOOK_EVENTS, Subscription
from opencx.feedback.service import FeedbackService, LinkInvalid
from opencx.metrics.deps import MetricsServiceDep
from opencx.web import Principal, render, require_csrf, require_page_scope
from opencx.web.errors import status_for
from opencx.web.lanes import Lane, Threads, read_body, send_json

router = APIRouter(tags=["pages"], include_in_schema=False)
WIDGET_PATH = Path(__file__).resolve().parent / "templates" / "feedback" / "widget.js"
public = APIRouter(tags=["survey"], include_in_schema=False)

Reader = Annotated[Principal, Depends(require_page_scope("feedback:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("feedback:write"))]


# --- dashboard -----------------------------------------------------------------------------


SCORE_METRICS = ("nps", "csat", "ces")  # the survey scores summarised on the dashboard


@router.get("/feedback", response_class=HTMLResponse)
def dashboard(
    request: Request, service: Service, metrics: MetricsServiceDep, user: Reader
) -> HTMLResponse:
    # the scores are metrics: shown to those who may read metrics (an agent may not)
    allowed = user.allows("metrics:read")
    scores = metrics.overview(period="month", names=SCORE_METRICS) if allowed else []
    return render(
        request,
        "feedback/dashboard.html",
        scores=scores,
        surveys=service.surveys(),
        stats=service.loop_stats(),
        followups=service.followups(limit=20),
        triggers=service.triggers(),
        kinds=("nps", "csat", "ces", "enps", "custom"),
        languages=SUPPORTED,
        can_write=user.allows("feedback:write"),
        can_admin=user.allows("feedback:admin"),
    )


@router.post("/feedback/surveys", dependencies=[Depends(require_csrf)])
def create_survey(
    service: Service,
    user: Writer,
    kind: Annotated[str, Form()],
    key: Annotated[str, Form()],
    name: Annotated[str, Form()],
    languages: Annotated[list[str], Form()],
) -> RedirectResponse:
    survey = service.create_from_template(kind, key.strip(), name.strip(), languages)
    return RedirectResponse(f"/feedback/surveys/{survey.key}", status_code=303)


def _editor(
    request: Request,
    survey: Survey,
    lang: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    results: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "feedback/survey.html",
        status_code=status,
        results=results,
        s=survey,
        lang=lang,
        pick=pick,
        system=system,
        scale_labels=scale_labels,
        gaps=untranslated(survey),
        error=error,
        notice=notice,
        languages=survey.languages,
    )


@router.get("/feedback/surveys/{key}", response_class=HTMLResponse)
def survey_page(
    request: Request, key: str, service: Service, user: Reader, lang: str | None = None
) -> HTMLResponse:
    survey = service.survey(key)
    return _editor(request, survey, lang or survey.default_language, results=service.results(key))


@router.post("/feedback/surveys/{key}", dependencies=[Depends(require_csrf)])
async def edit_survey(request: Request, key: str, service: Service, user: Writer) -> Response:
    """Texts per question and language (``text:<question>:<lang>``) and the name: the next
    version, or "No change" when the form changes nothing."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_edit_survey, request, key, service, form)


def _edit_survey(
    request: Request, key: str, service: FeedbackService, form: dict[str, str]
) -> Response:
    survey = service.survey(key)
    definition = to_definition(survey)
    definition["name"] = str(form.get("name") or survey.name)
    for q in definition["questions"]:
        for lang in survey.languages:
            value = str(form.get(f"text:{q['key']}:{lang}") or "").strip()
            if value:
                q["text"][lang] = value
    try:
        edited = service.edit_survey(key, parse_definition(definition))
    except InvalidInput as exc:
        return _editor(request, survey, survey.default_language, error=str(exc), status=422)
    if edited.version == survey.version:  # nothing changed: no version was made
        notice = f"No change: nothing to save, the survey stays at version {survey.version}."
        return _editor(request, edited, edited.default_language, notice=notice)
    return RedirectResponse(f"/feedback/surveys/{edited.key}", status_code=303)


SENTIMENTS = ("negative", "neutral", "positive")
RESPONSES_PER_PAGE = 50
CSV_PAGE = 1000
RESPONSE_FIELDS = (
    "submitted_at",
    "survey",
    "kind",
    "response_id",
    "customer_id",
    "customer_name",
    "language",
    "completed",
    "scores",
    "comment",
    "themes",
    "sentiment",
    "sentiment_label",
)


@dataclass(frozen=True, slots=True)
class ResponseQuery:
    """The response explorer's filters, as its form and its links carry them."""

    survey: str = ""
    since: date | None = None
    until: date | None = None
    min_score: int | None = None
    max_score: int | None = None
    language: str = ""
    theme: str = ""
    sentiment: str = ""
    q: str = ""

    def filters(self) -> dict[str, Any]:
        day = datetime.min.time()
        return {
            "survey_key": self.survey or None,
            "since": datetime.combine(self.since, day, UTC) if self.since else None,
            # until a day: through its end
            "until": datetime.combine(self.until, day, UTC) + timedelta(days=1)
            if self.until
            else None,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "language": self.language or None,
            "theme": self.theme or None,
            "sentiment": self.sentiment or None,
            "text": self.q.strip() or None,
        }

    def link(self, **extra: str) -> str:
        chosen = {k: v for k, v in asdict(self).items() if v not in ("", None)}
        return urlencode({**chosen, **extra})


def _chosen(
    survey: Annotated[str, Query(max_length=100)] = "",
    since: date | None = None,
    until: date | None = None,
    min_score: Annotated[int | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[int | None, Query(ge=0, le=100)] = None,
    language: Annotated[str, Query(max_length=35)] = "",
    theme: Annotated[str, Query(max_length=100)] = "",
    sentiment: Literal["", "negative", "neutral", "positive"] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> ResponseQuery:
    return ResponseQuery(survey, since, until, min_score, max_score, language, theme, sentiment, q)


Chosen = Annotated[ResponseQuery, Depends(_chosen)]


def _cursor(text: str) -> tuple[datetime, str] | None:
    """``before=<ISO time>|<response id>``: the last row of the page before."""
    if not text:
        return None
    at, _, last_id = text.partition("|")
    try:
        when = ensure_utc(datetime.fromisoformat(at))
    except ValueError:
        when = None
    if when is None or not last_id:
        raise InvalidInput(f"before: {text[:60]!r} is not a page of this list")
    return when, last_id


def _response_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "submitted_at": row["submitted_at"].isoformat(),
        "survey": row["survey"],
        "kind": row["kind"],
        "response_id": row["response_id"],
        "customer_id": row["customer_id"] or "",
        "customer_name": row["customer_name"] or "",
        "language": row["language"] or "",
        "completed": bool(row["completed"]),
        "scores": "; ".join(f"{k}={v}" for k, v in row["scores"]),
        "comment": " | ".join(row["comments"]),
        "themes": "; ".join(row["themes"]),
        "sentiment": "" if row["sentiment"] is None else round(row["sentiment"], 3),
        "sentiment_label": row["sentiment_label"] or "",
    }


@router.get("/feedback/responses", response_class=HTMLResponse)
def responses_page(
    request: Request, service: Service, user: Reader, chosen: Chosen, before: str = ""
) -> HTMLResponse:
    rows, after = service.explore(
        before=_cursor(before), limit=RESPONSES_PER_PAGE, **chosen.filters()
    )
    older = chosen.link(before=f"{after[0].isoformat()}|{after[1]}") if after else None
    return render(
        request,
        "feedback/responses.html",
        rows=rows,
        surveys=service.surveys(),
        languages=SUPPORTED,
        themes=[*ASPECTS, *sorted({t.title for t in service.themes()} - set(ASPECTS))],
        sentiments=SENTIMENTS,
        f=chosen,
        older=older,
        first=chosen.link() if before else None,
        csv_link=chosen.link(),
    )


@router.get("/feedback/responses.csv")
def responses_csv(service: Service, user: Reader, chosen: Chosen) -> Response:
    """Every response the filters keep, as the page shows them (a page of 1,000 at a time)."""
    records: list[dict[str, Any]] = []
    cursor: tuple[datetime, str] | None = None
    while True:
        rows, cursor = service.explore(before=cursor, limit=CSV_PAGE, **chosen.filters())
        records += [_response_record(r) for r in rows]
        if cursor is None:
            break
    return Response(
        csv_text(RESPONSE_FIELDS, records),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="responses.csv"'},
    )


@router.post("/feedback/followups/{followup_id}/close", dependencies=[Depends(require_csrf)])
def close_followup(followup_id: str, service: Service, user: Writer) -> RedirectResponse:
    service.close_followup(followup_id)
    return RedirectResponse("/feedback", status_code=303)


Admin = Annotated[Principal, Depends(require_page_scope("feedback:admin"))]


def _webhooks_page(
    request: Request,
    service: FeedbackService,
    *,
    created: tuple[Subscription, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "feedback/webhooks.html",
        status_code=status,
        hooks=service.webhooks(),
        events=WEBHOOK_EVENTS,
        created=created,
        error=error,
    )


@router.get("/feedback/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, service: Service, user: Admin) -> HTMLResponse:
    """Webhook subscriptions: who receives response events, signed with which secret."""
    return _webhooks_page(request, service)


@router.post(
    "/feedback/webhooks", response_class=HTMLResponse, dependencies=[Depends(require_csrf)]
)
def add_webhook(
    request: Request,
    service: Service,
    user: Admin,
    url: Annotated[str, Form()],
    events: Annotated[list[str] | None, Form()] = None,
    secret: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Subscribe a URL; the page shows the signing secret this once."""
    try:
        created = service.add_webhook(url, events or (), secret=secret or None, by=user.name)
    except InvalidInput as exc:
        return _webhooks_page(request, service, error=str(exc), status=422)
    return _webhooks_page(request, service, created=created, status=201)


@router.post("/feedback/webhooks/{subscription_id}/remove", dependencies=[Depends(require_csrf)])
def remove_webhook(subscription_id: str, service: Service, user: Admin) -> RedirectResponse:
    if not service.remove_webhook(subscription_id):
        raise NotFound(f"webhook subscription {subscription_id!r} not found")
    return RedirectResponse("/feedback/webhooks", status_code=303)


DRIVER_SCORES = ("nps", "csat", "ces")  # the score types key drivers are fitted for
TREND_WINDOWS = (7, 30, 90)


@router.get("/feedback/themes", response_class=HTMLResponse)
def themes_page(
    request: Request,
    service: Service,
    user: Reader,
    score: Annotated[Literal["nps", "csat", "ces"], Query()] = "nps",
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> HTMLResponse:
    """Themes with volume and sentiment, the key drivers of a score, and trending themes."""
    return render(
        request,
        "feedback/themes.html",
        overview=service.theme_overview(),
        drivers=service.drivers(score),
        trends=service.trends(days),
        score=score,
        days=days,
        scores=DRIVER_SCORES,
        windows=TREND_WINDOWS,
        can_write=user.allows("feedback:write"),
    )


@router.post("/feedback/themes/{key}/name", dependencies=[Depends(require_csrf)])
def name_theme(
    key: str, service: Service, user: Writer, name: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Name a theme (an empty name gives back the discovered label); equal names merge."""
    if not service.name_theme(key, name.strip()[:100] or None):
        raise NotFound(f"theme {key!r} does not exist")
    return RedirectResponse("/feedback/themes", status_code=303)


# --- public survey pages -------------------------------------------------------------------

SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _refused(request: Request, exc: LinkInvalid) -> HTMLResponse:
    lang = request.headers.get("accept-language", "en")[:2].lower()
    return render(
        request,
        "feedback/respond_gone.html",
        status_code=410,
        headers=SECURITY_HEADERS,
        lang=lang,
        message=system("expired", lang),
        detail=str(exc),
    )


def _respond_page(
    request: Request,
    service: FeedbackService,
    token: str,
    *,
    error: str | None = None,
    status: int = 200,
    score: int | None = None,
) -> HTMLResponse:
    """The survey form with the answers given so far; ``score`` (a one-click link) is shown
    picked and nothing is written: the page's script saves it (see ``respond_form``)."""
    opened = service.open_survey(token, mark_opened=score is None)
    s, lang = opened.survey, opened.language or opened.survey.default_language
    if opened.completed:
        return render(
            request,
            "feedback/respond_done.html",
            headers=SECURITY_HEADERS,
            lang=lang,
            message=s.text("thanks", lang) or system("thanks", lang),
        )
    given = dict(opened.answers)
    picked = _picked(s, score)
    if picked is not None:
        given[picked[0]] = Answer(picked[0], s.question(picked[0]).type, score=picked[1])
    values: dict[str, Any] = {}
    for key, a in given.items():
        values[key] = a.score if a.score is not None else (a.choices or a.text)
    return render(
        request,
        "feedback/respond.html",
        status_code=status,
        headers=SECURITY_HEADERS,
        s=s,
        lang=lang,
        token=token,
        values=values,
        shown={q.key for q in visible(s, given)},
        picked=picked,
        error=error,
        pick=pick,
        system=system,
        scale_labels=scale_labels,
    )


def _picked(survey: Survey, score: int | None) -> tuple[str, int] | None:
    """The main question's key and ``score`` when the score is on its scale, else None."""
    main = survey.main
    if score is None or main is None or main.scale is None:
        return None
    return (main.key, score) if main.scale[0] <= score <= main.scale[1] else None


@public.get("/r/{token}", response_class=HTMLResponse)
def respond_form(
    request: Request, token: str, service: Service, score: int | None = None
) -> HTMLResponse:
    """The survey. ``?score=N`` (a one-click link in the email) shows the score picked and
    records nothing: mail scanners and link checkers GET every link. A browser running the
    page saves the score at once (its script POSTs it to ``/r/{token}/answers``); without
    script, the Send button saves it. As Formbricks and Qualtrics do with pre-filled links."""
    try:
        return _respond_page(request, service, token, score=score)
    except LinkInvalid as exc:
        return _refused(request, exc)


@public.post("/r/{token}", response_class=HTMLResponse)
async def respond_submit(request: Request, token: str, service: Service) -> HTMLResponse:
    form = await request.form()
    values: dict[str, Any] = {key: form.getlist(key) for key in form}
    return await run_in_threadpool(_submit, request, service, token, values)


def _submit(
    request: Request, service: FeedbackService, token: str, raw: dict[str, list[Any]]
) -> HTMLResponse:
    """The survey form's answers (a multi question sends several values) recorded, complete."""
    try:
        survey = service.open_survey(token).survey
        values: dict[str, Any] = {}
        for q in survey.questions:
            given = [str(v) for v in raw.get(q.key, [])]
            if q.type == "multi":
                values[q.key] = given
            elif given:
                values[q.key] = given[0]
        try:
            service.respond(token, values, finish=True)
        except InvalidInput as exc:
            return _respond_page(request, service, token, error=str(exc), status=422)
        return _respond_page(request, service, token)
    except LinkInvalid as exc:
        return _refused(request, exc)


@public.get("/r/{token}/opt-out", response_class=HTMLResponse)
def opt_out_form(request: Request, token: str, lang: str = "en") -> HTMLResponse:
    """A confirmation button: a mail scanner following the link must not opt anyone out."""
    return render(
        request,
        "feedback/opt_out.html",
        headers=SECURITY_HEADERS,
        token=token,
        lang=lang,
        system=system,
        done=False,
    )


@public.post("/r/{token}/opt-out", response_class=HTMLResponse)
def opt_out(request: Request, token: str, service: Service, lang: str = "en") -> HTMLResponse:
    try:
        service.opt_out(token)
    except LinkInvalid as exc:
        return _refused(request, exc)
    return render(
        request,
        "feedback/opt_out.html",
        headers=SECURITY_HEADERS,
        token=token,
        lang=lang,
        system=system,
        done=True,
    )


# --- JSON answers and the in-app widget ----------------------------------------------------

WIDGET_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
# answers get threads of their own: the event loop's default executor also runs every
# asyncio.to_thread of the process (the chat feed's polls), which a burst of survey answers
# would otherwise hold up; as many threads as it has (6 on 2 cores: 12 measured slower)
ANSWERING = Threads(min(32, (os.cpu_count() or 1) + 4), "opencx-answers")


async def answer(service: FeedbackService, token: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Record a JSON answer (``{"answers": {...}, "finish": true}``); the status and the JSON
    to send back. Shared by the route and its lane (:data:`ANSWERS_LANE`)."""
    deep = nested_too_deep(raw)  # before json recurses into it
    if deep is not None:
        return 422, {"error": f"body is not JSON: {deep.msg}"}
    try:
        body = json.loads(raw or b"{}")
        lone = surrogate_refused(raw, body)  # no store holds one
        if lone is not None:
            return 422, {"error": f"body is not JSON: {lone.msg}"}
        values = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise InvalidInput("expected a JSON object with an 'answers' object")
        finish = bool(body.get("finish", True))
        # threads of its own (a C queue) take the blocking unit of work for less CPU than
        # Starlette's threadpool (anyio: Python queue, cancel scope) or an executor
        got = await ANSWERING.run(functools.partial(service.respond, token, values, finish=finish))
    except json.JSONDecodeError:
        return 422, {"error": "body is not JSON"}
    except LinkInvalid as exc:
        return 410, {"error": str(exc)}
    except OpenCXError as exc:
        return status_for(exc), {"error": str(exc)}
    return 200, {"response_id": got.response_id, "completed": got.completed, "changed": got.changed}


@public.post("/r/{token}/answers")
async def answer_json(request: Request, token: str, service: Service) -> JSONResponse:
    """Answers as JSON (``{"answers": {...}, "finish": true}``) for the widget and load tests.

    Sent as ``text/plain`` by the widget, so a browser needs no CORS preflight: the token, not a
    cookie, is the credential. The application answers it in a lane (:data:`ANSWERS_LANE`).
    """
    status, out = await answer(service, token, await request.body())
    return JSONResponse(out, status, headers=WIDGET_HEADERS)


async def _answers_lane(scope: Scope, receive: Receive, send: Send, found: re.Match[str]) -> None:
    service = service_of(scope["app"].state.services, "feedback", FeedbackService)
    status, out = await answer(service, found.group(1), await read_body(receive))
    await send_json(send, status, out, WIDGET_HEADERS)


ANSWERS_LANE = Lane(
    "POST",
    "/r/{token}/answers",
    re.compile(r"^/r/([^/]+)/answers$"),
    _answers_lane,
    WIDGET_HEADERS,
)
"""``POST /r/{token}/answers`` past the router: every answer from the widget and the survey
page's script comes this way (``bench/responses.py`` measures it)."""


@public.get("/r/{token}/survey.json")
def survey_json(token: str, service: Service) -> JSONResponse:
    """The survey behind a link, localised, for the widget to draw."""
    try:
        opened = service.open_survey(token)
    except LinkInvalid as exc:
        return JSONResponse({"error": str(exc)}, 410, headers=WIDGET_HEADERS)
    s, lang = opened.survey, opened.language or opened.survey.default_language
    main = s.main
    low, high = scale_labels(main.type, lang) if main else ("", "")
    followups: dict[str, str] = {}
    if main is not None and main.scale is not None:
        for score in range(main.scale[0], main.scale[1] + 1):
            shown = visible(s, {main.key: Answer(main.key, main.type, score=score)})
            text = next((q.key for q in shown if q.type == "text"), None)
            if text is not None:
                followups[str(score)] = text
    out = {
        "completed": opened.completed,
        "followups": followups,
        "language": lang,
        "question": pick(main.text, lang, s.default_language) if main else s.name,
        "key": main.key if main else None,
        "scale": list(main.scale) if main and main.scale else None,
        "low": low,
        "high": high,
        "comment": system("comment", lang),
        "submit": system("submit", lang),
        "thanks": s.text("thanks", lang) or system("thanks", lang),
    }
    return JSONResponse(out, headers=WIDGET_HEADERS)


@public.get("/feedback/widget.js")
def widget_js() -> Response:
    """The embeddable in-app widget (``<script src=".../feedback/widget.js" data-token=...>``)."""
    return Response(
        WIDGET_PATH.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )
