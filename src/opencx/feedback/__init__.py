"""feedback slice: surveys (NPS, CSAT, CES, eNPS, custom) and their translations, triggers,
recontact rules, invitations through the outbox, signed survey links, responses, the closed loop
and text analytics.

Entry points: :class:`opencx.feedback.service.FeedbackService` (built by ``opencx.app.build``)
and the pure rules in :mod:`opencx.feedback.domain`. See ``docs/feedback.md``.
"""

__all__ = ["api", "cli", "domain", "pages", "service", "store"]
