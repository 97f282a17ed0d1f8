"""customers slice: identities and merges, the 360 profile and timeline, search, export and erasure.

Entry points: :class:`opencx.customers.service.CustomerService` (built by ``opencx.app.build``),
the functions of :mod:`opencx.customers.service`, and the pure rules in
:mod:`opencx.customers.domain`. See ``docs/customers.md``.
"""

__all__ = ["api", "cli", "domain", "jobs", "pages", "service", "store"]
