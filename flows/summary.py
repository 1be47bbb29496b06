"""The run summary every flow returns: what an operator reads at the end of a run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RunSummary:
    """Counts and amounts of one run, by currency where money is involved.

    Attributes:
      payments_in: incoming payments seen (count) and amount per currency.
      matched_auto / review / unmatched: payments by outcome, count and amount.
      discrepancies: count per kind.
      reminders: count per stage (held back ones under `holds`).
      paths: name -> file or folder the run wrote (report, outbox, csvs).
      quality: dataset -> failed expectations count.
    """

    run_id: str = ""
    as_of: str = ""
    payments_in: int = 0
    payments_in_amount: dict[str, str] = field(default_factory=dict)
    matched_auto: int = 0
    matched_auto_amount: dict[str, str] = field(default_factory=dict)
    review: int = 0
    review_amount: dict[str, str] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_amount: dict[str, str] = field(default_factory=dict)
    already_known: int = 0
    discrepancies: dict[str, int] = field(default_factory=dict)
    reminders: dict[str, int] = field(default_factory=dict)
    holds: dict[str, int] = field(default_factory=dict)
    human_review: int = 0
    quarantined: int = 0
    quality_failures: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)

    @property
    def needs_a_person(self) -> bool:
        """True when something waits for a person (for --strict)."""
        return bool(self.review or self.unmatched or sum(self.discrepancies.values())
                    or self.human_review or self.quarantined)
