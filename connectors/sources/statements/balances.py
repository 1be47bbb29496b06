"""Balance findings: opening + entries != closing, and gaps between consecutive statements.

Findings are values for a person to read, never exceptions: library fixtures
and real banks alike send statements that do not add up.
"""

from __future__ import annotations

from .records import StatementBalance, StatementImport


def check_balances(imp: StatementImport) -> list[str]:
    """Human-readable findings on every statement of an import and on their chaining."""
    findings: list[str] = []
    for balance in imp.balances:
        findings.extend(_own(balance))
    findings.extend(_gaps(imp.balances))
    return findings


def _name(b: StatementBalance) -> str:
    """How a finding names a statement."""
    where = f" (line {b.line})" if b.line else ""
    return f"statement {b.statement_id or '?'} of account {b.account}{where}"


def _own(b: StatementBalance) -> list[str]:
    """Findings about one statement on its own."""
    out: list[str] = []
    if len(b.currencies) > 1:
        out.append(f"{_name(b)}: mixes currencies {', '.join(b.currencies)}")
    if b.opening is None or b.closing is None:
        return out
    expected = b.opening + b.total
    if expected != b.closing:
        out.append(f"{_name(b)}: opening {b.opening} + {b.count} entries {b.total} = {expected},"
                   f" but closing balance is {b.closing} (difference {b.closing - expected})")
    return out


def _gaps(balances: list[StatementBalance]) -> list[str]:
    """A statement whose opening differs from the previous closing of the same account."""
    out: list[str] = []
    last: dict[tuple[str, str], StatementBalance] = {}
    for b in balances:
        key = (b.account, b.currency)
        prev = last.get(key)
        if (prev is not None and prev.closing is not None and b.opening is not None
                and prev.closing != b.opening):
            out.append(f"{_name(b)}: opens at {b.opening} but the previous statement "
                       f"{prev.statement_id or '?'} closed at {prev.closing} "
                       f"(gap {b.opening - prev.closing})")
        last[key] = b
    return out
