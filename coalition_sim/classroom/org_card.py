"""An organization's card: who it is and how it is doing, for the room.

The page opens a card when a trainer picks an organization (by name, or by
clicking its dot in the drawing): name, sector, capacity, energy, how much it trusts
the current members, its status, and why it left if it did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import solara

from coalition_sim.model.events import EXIT_REASONS
from coalition_sim.model.population import CORE, EXITED, SECTORS

STATUS_TEXT = {CORE: "core member", EXITED: "left the coalition"}
"""How the card names a status; any other status is the wider network."""


@dataclass(frozen=True)
class OrgCard:
    """What the card shows about one organization."""

    name: str
    sector: str
    capacity: float
    energy: float
    trust_in_members: float
    status: str
    why_left: str | None

    def lines(self) -> list[str]:
        """The card as lines of text."""
        rows = [
            f"Sector: {self.sector}",
            f"Capacity: {self.capacity:.2f}",
            f"Energy: {self.energy:.2f}",
            f"Trust in the members: {self.trust_in_members:.2f}",
            f"Status: {self.status}",
        ]
        if self.why_left:
            rows.append(f"Why it left: {self.why_left}")
        return rows


def org_card(model, index: int) -> OrgCard:
    """The card of organization ``index`` of ``model`` as it is now."""
    status = int(model.status[index])
    members = np.flatnonzero(model.status == CORE)
    others = members[members != index]
    trust = float(np.mean(model.trust[index, others])) if others.size else float("nan")
    month = model.exit_month.get(index)
    cause = model.exit_cause.get(index)
    why = f"{EXIT_REASONS.get(cause, str(cause).replace('_', ' '))} (month {month})" if cause else None
    return OrgCard(
        name=str(model.names[index]),
        sector=SECTORS[int(model.sector[index]) % len(SECTORS)],
        capacity=float(model.capacity[index]),
        energy=float(model.energy[index]),
        trust_in_members=trust,
        status=STATUS_TEXT.get(status, "wider network"),
        why_left=why,
    )


@solara.component
def OrgPanel(runs, selected: int | None, on_select, tick: int = 0):
    """Pick an organization (by name) to ring it in the drawing and open its card, per run."""
    first = runs[0]
    names = list(first.model.names)
    with solara.Card("An organization", classes=["org-card"]):
        solara.Select(
            "Find an organization",
            value=None if selected is None else names[selected],
            values=names,
            on_value=lambda name: on_select(None if name is None else names.index(name)),
        )
        if selected is None:
            solara.Text("Pick one by name, or click its dot in the drawing, to see its card.")
            return
        with solara.Row(gap="24px"):
            for side, run in zip(("Left: ", "Right: ") if len(runs) == 2 else ("",), runs):
                with run.reading() as model:
                    card = org_card(model, selected)
                with solara.Column(gap="0px"):
                    solara.Text(f"{side}{card.name}", classes=["org-name"])
                    for line in card.lines():
                        solara.Text(line)
