"""The dashboard's About panel (NetLogo's Info structure) and the sections of ``docs/ODD.md`` shown under each
chart, read from the file so they cannot drift from the model description."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"

ABOUT = """
### What is it?
An agent-based model of a mental-health service's clinicians: their self-efficacy, compassion satisfaction,
burnout and secondary traumatic stress change week by week with their caseloads, leaders, teams and staffing
(model description, docs/ODD.md, section 1).

### How it works
Each week: referrals and caseloads, trauma exposure, programmes, demands and resources, the state update, sick
leave and turnover, costs and a ProQOL survey every 13 weeks (section 3). Under each chart, *How this is
computed* opens the section of the model description behind it.

### How to use it
Choose a policy and where to try it (the service as it runs, or a context such as understaffing), move its
levers or type any other lever as `name = value`, and choose when the policy starts. Press *Set up*, then *Step*
a week, *Run* 13 or 52, or *Go* and *Pause* (the speed slider sets how many weeks pass between frames). The
reference (the service as it runs in the same context) and the policy run side by side on the same seeds; the
paired difference is the policy's effect, not luck.

### Things to notice
Survey scores move less than the latent means, and only every 13 weeks; vacancies feed caseloads, which feed
burnout, which feeds departures (the staffing loop); burnout clusters by team, and a team's leader matters.

### Things to try
Compare `wellness-one-off` with `wellness-programme` over two years; try `reflective-supervision` in the
understaffed context, then start it in week 26; raise `caseload.cap_per_fte` in an understaffed service and
watch the waiting list; type `peer_support.coverage = 0.5` and watch the network gain ties.
"""


@cache
def odd_section(number: str) -> tuple[str, str]:
    """The heading and text of section ``number`` ("3", "7.4") of docs/ODD.md, up to the next heading of the same
    or a higher level.

    Raises:
        KeyError: no such section (the charts' references are checked against the file by a test).
    """
    lines = ODD.read_text(encoding="utf-8").splitlines()
    pattern = re.compile(rf"^(#+) {re.escape(number)}\.?\s+(.*)$")
    for i, line in enumerate(lines):
        hit = pattern.match(line)
        if hit:
            level = len(hit.group(1))
            end = next((j for j in range(i + 1, len(lines))
                        if (h := re.match(r"^(#+) ", lines[j])) and len(h.group(1)) <= level), len(lines))
            return f"{number} {hit.group(2)}", "\n".join(lines[i + 1:end]).strip()
    raise KeyError(f"docs/ODD.md has no section {number}")
