"""The Today page's trends: match rate and DSO over the last runs, as chart geometry.

Points come from the runs' stored summaries; the chart is drawn by the template as
inline SVG (no script, nothing from a CDN). Only geometry and labels are made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage import workbench

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 380, 130, 44, 10, 24


@dataclass(frozen=True)
class Point:
    """One run on the chart: where it is drawn, its label and its value as text."""

    x: float
    y: float
    day: str
    value: str


@dataclass(frozen=True)
class Chart:
    """A line chart: points oldest first, the y axis's ticks (position, label)."""

    title: str
    unit: str
    points: list[Point]
    ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def path(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def latest(self) -> str:
        """The newest value, for the chart's heading."""
        return self.points[-1].value if self.points else ""


def _chart(title: str, unit: str, values: list[tuple[str, Decimal]], top: Decimal) -> Chart:
    top = max(top, max((v for _, v in values), default=Decimal(1)), Decimal(1))
    inner_w, inner_h = WIDTH - 2 * PAD_X, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(values) - 1, 1)

    def y(value: Decimal) -> float:
        return PAD_TOP + inner_h * (1 - float(value / top))

    points = [Point(PAD_X + i * step, y(v), day, f"{v:.1f}{unit}")
              for i, (day, v) in enumerate(values)]
    ticks = [(y(top * Decimal(f)), f"{top * Decimal(f):.0f}{unit}") for f in ("0", "0.5", "1")]
    return Chart(title, unit, points, ticks)


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def trends(engine: Engine, actor: Actor, runs: int = 30) -> list[Chart]:
    """Match rate (share of incoming payments booked without a person) and DSO per currency
    over the last runs that saw payments or invoices, by the day they were run as of."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        found = [r for r in workbench.last_runs(session, limit=runs * 2)
                 if r.status == "succeeded" and r.summary][:runs]
    found.sort(key=lambda r: ((r.as_of or "")[:10], r.started_at))  # by the books' day
    rate: list[tuple[str, Decimal]] = []
    dso: dict[str, list[tuple[str, Decimal]]] = {}
    for run in found:
        summary, day = run.summary or {}, (run.as_of or "")[:10]
        if summary.get("payments_in"):
            share = Decimal(summary.get("matched_auto") or 0) / Decimal(summary["payments_in"])
            rate.append((day, share * 100))
        for currency, days in (summary.get("dso") or {}).items():
            if (value := _number(days)) is not None:
                dso.setdefault(currency, []).append((day, value))
    charts = [_chart("Match rate", "%", rate, Decimal(100))] if rate else []
    charts += [_chart(f"DSO {currency}", " d", values, Decimal(0))
               for currency, values in sorted(dso.items())]
    return charts
