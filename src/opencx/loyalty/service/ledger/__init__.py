"""Writing the ledger: enroll, earn, spend, redeem, transfer, adjust, donate, partners, expiry.

One module per noun: :mod:`.bookkeeping` (the one write path every entry takes, credits, debits,
expiry), :mod:`.enrolment` (enrolling), :mod:`.spending` (spend, redeem, transfer, adjust),
:mod:`.causes` (donations) and :mod:`.partners` (partner points). Every name imports from here.
"""

from opencx.loyalty.service.ledger.bookkeeping import (
    Floor,
    Posted,
    check_active,
    debit,
    earn,
    expire_member,
    parsed_program,
    post,
    program,
    request_hash,
)
from opencx.loyalty.service.ledger.causes import donate
from opencx.loyalty.service.ledger.enrolment import enroll, enrollable
from opencx.loyalty.service.ledger.partners import partner_points
from opencx.loyalty.service.ledger.spending import adjust, redeem, spend, transfer

__all__ = [
    "Floor",
    "Posted",
    "adjust",
    "check_active",
    "debit",
    "donate",
    "earn",
    "enroll",
    "enrollable",
    "expire_member",
    "parsed_program",
    "partner_points",
    "post",
    "program",
    "redeem",
    "request_hash",
    "spend",
    "transfer",
]
