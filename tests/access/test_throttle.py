"""Login throttling through the access service on SQLite and PostgreSQL, on the injected clock.

The story of issue 12: five wrong passwords used to lock any known email for 15 minutes, and
one address could spray 30 accounts in 5 s. Now an attacker slows only himself: the owner
signing in from elsewhere, or from a browser that signed in before, is never locked out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.domain.throttle import Client, ThrottlePolicy
from opencx.access.service import AccessService, LoginResult
from opencx.core import FixedClock
from opencx.db.schema import login_throttle

RIGHT, WRONG = "right-password", "wrong-password"
POLICY = ThrottlePolicy()  # the defaults: 20 per address, 10 per account, as documented


@pytest.fixture
def access(engine: Engine, clock: FixedClock) -> AccessService:
    service = AccessService(engine, clock, throttle=POLICY)
    service.create_user("owner@example.org", role="agent", password=RIGHT)
    return service


def _try(
    access: AccessService, client: Client, password: str = WRONG, who: str = "owner"
) -> LoginResult:
    return access.login(f"{who}@example.org", password, client)


def test_wrong_passwords_bring_growing_delays_then_a_lock_of_that_client_only(
    access: AccessService, clock: FixedClock
) -> None:
    attacker, owner = Client("203.0.113.9"), Client("198.51.100.7")
    assert _try(access, attacker).refusal is None  # 1st and 2nd failures: no delay
    assert _try(access, attacker).refusal is None
    assert _try(access, attacker).refusal is None  # 3rd failure: the next waits 1 s
    refused = _try(access, attacker)
    assert refused.refusal is not None and refused.refusal.reason == "pair"
    assert refused.refusal.seconds == 1
    waits = []
    for _ in range(4):  # a refused attempt counts too; each failure doubles the wait
        clock.advance(timedelta(hours=1))
        assert _try(access, attacker).refusal is None
        refusal = _try(access, attacker).refusal
        assert refusal is not None and refusal.reason == "pair"
        waits.append(refusal.seconds)
    assert waits == [4, 16, 64, 30 * 60]  # from the 10th failure on: a lock, 15 min doubling
    # the owner, elsewhere, with the right password, is let in at once
    assert _try(access, owner, RIGHT).user is not None


def test_a_success_clears_the_streak(access: AccessService) -> None:
    me = Client("198.51.100.7")
    for _ in range(2):
        _try(access, me)
    assert _try(access, me, RIGHT).user is not None
    assert _try(access, me).refusal is None and _try(access, me).refusal is None


def test_a_lock_grows_from_15_minutes(access: AccessService, clock: FixedClock) -> None:
    attacker = Client("203.0.113.9", device="stolen-device")  # known: only the pair counts
    for _ in range(10):
        clock.advance(timedelta(hours=2))
        assert _try(access, attacker).refusal is None
    clock.advance(timedelta(minutes=14))
    refused = _try(access, attacker, RIGHT)  # the right password during the lock: not tried
    assert refused.user is None and refused.refusal is not None
    # that refused attempt counted too: the lock is now 30 minutes from it
    assert refused.refusal.seconds == 60
    clock.advance(timedelta(minutes=31))
    assert _try(access, attacker, RIGHT).user is not None


def test_one_address_spraying_many_accounts_is_slowed_to_the_bucket_rate(
    access: AccessService, clock: FixedClock
) -> None:
    sprayer = Client("203.0.113.9")
    outcomes = [_try(access, sprayer, who=f"user{i}").refusal for i in range(30)]
    assert outcomes[:20] == [None] * 20  # the burst
    assert all(r is not None and r.reason == "address" for r in outcomes[20:])
    clock.advance(POLICY.ip_drain * 11)  # 30 charged, 20 fit: 10 over, then one drains
    assert _try(access, sprayer, who="user99").refusal is None
    assert _try(access, sprayer, who="user98").refusal is not None
    # a colleague behind another address is not affected
    assert _try(access, Client("198.51.100.7"), RIGHT).user is not None


def test_a_distributed_attack_fills_the_account_bucket_but_not_for_a_known_browser(
    access: AccessService, clock: FixedClock
) -> None:
    for i in range(10):
        assert _try(access, Client(f"203.0.113.{i}")).refusal is None
    refused = _try(access, Client("203.0.113.200"))
    assert refused.refusal is not None and refused.refusal.reason == "account"
    # the owner's browser signed in before (device cookie): let in, whatever the attack
    owner = Client("198.51.100.7", device="owners-laptop")
    assert _try(access, owner, RIGHT).user is not None
    # an unknown browser waits for the bucket to drain (one every 3 minutes)
    newcomer = Client("198.51.100.8")
    assert _try(access, newcomer, RIGHT).refusal is not None
    clock.advance(POLICY.account_drain * 3)
    assert _try(access, newcomer, RIGHT).user is not None


def test_an_admin_unlock_clears_the_account(access: AccessService, clock: FixedClock) -> None:
    for i in range(12):
        _try(access, Client(f"203.0.113.{i}"))
    assert _try(access, Client("198.51.100.8"), RIGHT).refusal is not None
    access.enable_user("owner@example.org")
    assert _try(access, Client("198.51.100.8"), RIGHT).user is not None


def test_unknown_emails_are_throttled_like_known_ones(access: AccessService) -> None:
    """A refusal never tells whether an account exists."""
    for _ in range(3):
        _try(access, Client("203.0.113.9"), who="nobody")
    refused = _try(access, Client("203.0.113.9"), who="nobody")
    assert refused.refusal is not None and refused.refusal.reason == "pair"


def test_counters_are_shared_through_the_store_and_hold_no_email(
    access: AccessService, engine: Engine, clock: FixedClock
) -> None:
    """Two service objects (two server processes) see the same counters."""
    other_process = AccessService(engine, clock, throttle=POLICY)
    for _ in range(3):
        _try(access, Client("203.0.113.9"))
    assert _try(other_process, Client("203.0.113.9")).refusal is not None
    with engine.connect() as conn:
        stored = " ".join(str(tuple(r)) for r in conn.execute(sa.select(login_throttle)))
    assert "owner" not in stored and "example.org" not in stored


def test_the_hourly_job_prunes_counters_nobody_charged_for_a_day(
    engine: Engine, clock: FixedClock
) -> None:
    """Counters used to be pruned only when someone logged in successfully: a store under a
    spray with no successful login grew without bound. The scheduler prunes them every hour."""
    from opencx.app import build
    from opencx.jobs import Scheduler
    from opencx.settings import Settings

    services = build(Settings(database_url=str(engine.url)), clock=clock, engine=engine)
    for n in range(3):  # failures only: no login succeeds
        services.access.login(f"nobody{n}@example.org", WRONG, Client(f"203.0.113.{n}"))
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(login_throttle)).scalar()
    prune = [j for j in services.jobs if j.name == "access.prune_throttle"]
    assert prune and str(prune[0].schedule) == "every 1:00:00"
    scheduler = Scheduler(engine, clock, prune)
    outcome = scheduler.tick()
    assert outcome is not None and outcome.result == "0 throttle counter(s) pruned"
    clock.advance(timedelta(days=1, hours=1))
    outcome = scheduler.tick()
    assert outcome is not None and outcome.result is not None
    assert outcome.result.endswith("throttle counter(s) pruned") and outcome.result[0] != "0"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(login_throttle)).scalar() == 0
