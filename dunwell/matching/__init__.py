"""The reconciliation engine: payments to invoices, fuzzy and explainable, vectorised."""

from dunwell.matching.engine import Reconciliation, reconcile, to_contract_frames
from dunwell.matching.policy import MatchPolicy

__all__ = ["MatchPolicy", "Reconciliation", "reconcile", "to_contract_frames"]
