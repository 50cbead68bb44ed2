"""ProQOL-5 measurement: simulated item responses from latent states.

Each subscale (CS, BO, STS) has ten items scored 1 ("never") to 5 ("very often"). An item response is the
latent state mapped onto the item scale, shifted by a fixed item difficulty, plus response noise, rounded
and clipped:

    item = clip(round(1 + 4 x + d_j + e), 1, 5),   e ~ N(0, item_noise_sd),   d_j from -0.5 to 0.5

so the raw subscale sum (10-50) is about 10 + 40 x. Raw sums are banded with the scoring sheet (<=22 low,
23-41 average, >=42 high) and converted to standard scores (mean 50, SD 10) with the published norms for
professionals working with trauma survivors; research cut-points flag high BO (>=56), high STS (>=56) and low
CS (<=44).

References:
    Stamm, B. H. (2010). The Concise ProQOL Manual, 2nd ed. Pocatello, ID: ProQOL.org.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SUBSCALES = ("cs", "bo", "sts")
N_ITEMS = 10
ITEM_MIN, ITEM_MAX = 1, 5
RAW_MIN, RAW_MAX = N_ITEMS * ITEM_MIN, N_ITEMS * ITEM_MAX
#: published pooled raw-score norms (mean, SD) for professionals working with trauma survivors (Stamm 2010)
NORMS = {"cs": (37.7, 6.5), "bo": (22.8, 5.4), "sts": (16.7, 5.7)}
#: scoring-sheet bands on raw sums
LOW_MAX, HIGH_MIN = 22, 42
#: research cut-points on standard scores
HIGH_T, LOW_T = 56.0, 44.0
#: item difficulties, the same for every subscale, summing to zero
ITEM_DIFFICULTY = np.linspace(-0.5, 0.5, N_ITEMS)


@dataclass(frozen=True)
class Survey:
    """One survey round.

    Attributes:
        raw: raw subscale sums, shape (n_respondents, 3), columns CS, BO, STS.
        t: standard scores, same shape.
    """

    raw: np.ndarray
    t: np.ndarray

    def summary(self) -> dict[str, float]:
        """Mean raw scores, band shares and research cut-point shares."""
        out: dict[str, float] = {}
        n = self.raw.shape[0]
        for j, s in enumerate(SUBSCALES):
            col = self.raw[:, j]
            out[f"proqol_{s}_raw"] = float(col.mean()) if n else np.nan
            out[f"proqol_{s}_t"] = float(self.t[:, j].mean()) if n else np.nan
            b = bands(col)
            for k, name in enumerate(("low", "average", "high")):
                out[f"prop_{s}_{name}"] = float((b == k).mean()) if n else np.nan
        out["prop_high_bo"] = float((self.t[:, 1] >= HIGH_T).mean()) if n else np.nan
        out["prop_high_sts"] = float((self.t[:, 2] >= HIGH_T).mean()) if n else np.nan
        out["prop_low_cs"] = float((self.t[:, 0] <= LOW_T).mean()) if n else np.nan
        return out


def item_responses(rng: np.random.Generator, latent: np.ndarray, noise_sd: float) -> np.ndarray:
    """Item responses for each respondent, subscale and item.

    Args:
        rng: the survey stream.
        latent: latent states in [0, 1], shape (n, 3) (CS, BO, STS).
        noise_sd: response noise SD in item points.

    Returns:
        int8 array (n, 3, 10) with values 1-5.
    """
    n = latent.shape[0]
    noise = rng.standard_normal((n, len(SUBSCALES), N_ITEMS)) * noise_sd
    y = 1.0 + 4.0 * latent[:, :, None] + ITEM_DIFFICULTY[None, None, :] + noise
    return np.clip(np.rint(y), ITEM_MIN, ITEM_MAX).astype(np.int8)


def raw_scores(items: np.ndarray) -> np.ndarray:
    """Raw subscale sums (10-50) from item responses of shape (n, 3, 10)."""
    return items.sum(axis=2, dtype=np.int64)


def standard_scores(raw: np.ndarray) -> np.ndarray:
    """Standard scores (mean 50, SD 10 in the norm group) for raw sums of shape (n, 3)."""
    mean = np.array([NORMS[s][0] for s in SUBSCALES])
    sd = np.array([NORMS[s][1] for s in SUBSCALES])
    return 50.0 + 10.0 * (raw - mean) / sd


def bands(raw: np.ndarray) -> np.ndarray:
    """Scoring-sheet band per raw sum: 0 low (<=22), 1 average (23-41), 2 high (>=42)."""
    return (raw > LOW_MAX).astype(np.int8) + (raw >= HIGH_MIN).astype(np.int8)


def survey(rng: np.random.Generator, latent: np.ndarray, noise_sd: float,
           respondents: np.ndarray | None = None) -> Survey:
    """Run one ProQOL survey round.

    Item noise is drawn for every row of ``latent`` (every post), and only the respondents' answers are kept, so
    the survey stream uses the same number of draws whoever responds (common random numbers across policies
    that change who is at work).

    Args:
        rng: the survey stream.
        latent: latent states (n, 3), columns CS, BO, STS.
        noise_sd: response noise SD in item points.
        respondents: bool mask of the rows that respond (all if None).
    """
    items = item_responses(rng, latent, noise_sd)
    raw = raw_scores(items if respondents is None else items[respondents])
    return Survey(raw=raw, t=standard_scores(raw))
