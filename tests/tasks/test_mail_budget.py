"""The per-run failure budget: failures in a row, or seconds spent failing in all."""

from __future__ import annotations

from dunwell.connectors.outbound.delivery import Delivery
from dunwell.tasks.dunning import MailBudget, _Spent

FAILED, SENT, UNKNOWN, BOUNCED = (Delivery("failed", 421), Delivery("sent", 250),
                                  Delivery("unknown"), Delivery("bounced", 550))


def test_failures_in_a_row_spend_the_budget_and_a_delivery_resets_the_row():
    spent = _Spent(MailBudget(failures=3, seconds=1e9))
    for delivery in (FAILED, UNKNOWN, SENT, FAILED, FAILED):
        spent.add(delivery, 0.1)
    assert not spent.exhausted and spent.in_a_row == 2
    spent.add(UNKNOWN, 0.1)
    assert spent.exhausted


def test_a_bounce_is_the_recipients_problem_not_the_servers():
    spent = _Spent(MailBudget(failures=2, seconds=1e9))
    for delivery in (FAILED, BOUNCED, FAILED, BOUNCED):
        spent.add(delivery, 0.1)
    assert not spent.exhausted


def test_slow_failures_spend_the_budget_even_between_deliveries():
    spent = _Spent(MailBudget(failures=100, seconds=60))
    for delivery in (FAILED, SENT, FAILED, SENT):
        spent.add(delivery, 25.0)
    assert not spent.exhausted
    spent.add(UNKNOWN, 10.0)
    assert spent.exhausted and spent.in_a_row == 1
