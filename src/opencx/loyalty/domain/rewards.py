"""The rewards catalog: what points buy, at what price, with an optional stock limit."""

from __future__ import annotations

from dataclasses import dataclass

from opencx.core.errors import Conflict, InvalidInput
from opencx.loyalty.domain.ledger import check_points


@dataclass(frozen=True, slots=True)
class Reward:
    id: str
    name: str
    points: int
    stock: int | None = None  # None: unlimited
    active: bool = True
    description: str = ""


def check_reward(reward: Reward) -> Reward:
    """``reward`` when its price is 1 to 999,999,999,999 points (what one entry may debit,
    :data:`~opencx.loyalty.domain.ledger.POINTS_LIMIT`) and its stock, if any, 0 to as many;
    InvalidInput naming ``points`` or ``stock`` and the limit otherwise."""
    if reward.points <= 0:
        raise InvalidInput(f"points: {reward.points} must be positive")
    check_points(reward.points)
    if reward.stock is not None:
        if reward.stock < 0:
            raise InvalidInput(f"stock: {reward.stock} must not be negative")
        check_points(reward.stock, where="stock", unit="")
    return reward


class OutOfStock(Conflict):
    """Every unit of a reward has been redeemed."""


def stock_left(reward: Reward, redeemed: int) -> int | None:
    """The units of ``reward`` still to be had once ``redeemed`` were (``None``: unlimited;
    0, never fewer, when its stock was lowered below what was redeemed). The one place that
    says so: the rewards page shows it, the member page offers a reward while it is above 0,
    and :func:`check_redeemable` refuses one at 0.

    >>> stock_left(Reward("mug", "Mug", 100, stock=2), 5), stock_left(Reward("pen", "Pen", 9), 5)
    (0, None)
    """
    return None if reward.stock is None else max(reward.stock - redeemed, 0)


def check_redeemable(reward: Reward, redeemed: int) -> None:
    """Raise when ``reward`` is withdrawn or its stock is used up by ``redeemed`` units."""
    if not reward.active:
        raise Conflict(f"reward {reward.name!r} is withdrawn from the catalog")
    if stock_left(reward, redeemed) == 0:
        raise OutOfStock(f"reward {reward.name!r} is out of stock ({reward.stock} redeemed)")
