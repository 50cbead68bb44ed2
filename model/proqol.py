"""ProQOL-5 measurement: simulated item responses from latent states, one item model per subscale.

Each subscale (CS, BO, STS) has ten items answered 1 ("never") to 5 ("very often"). An answer is the latent
state the item reflects mapped onto the answer scale by the subscale's loading, shifted by the item's difficulty,
plus response noise, rounded and clipped:

    answer = clip(round(3 + L_s (x - 1/2) + d_sj + e), 1, 5),   e ~ N(0, sd_s),   d_sj evenly from -h_s to h_s

so with the default loading of 4 the raw subscale sum (10-50) is about 10 + 40 x. Five burnout items are worded
positively ("I am happy", "I feel connected to others", ...) and reverse-scored (``6 - answer``); the state they
reflect is the absence of burnout mixed with compassion satisfaction (``x = (1 - w)(1 - BO) + w CS``), which is
why the burnout subscale is the least internally consistent of the three and correlates with CS more than its
latent state does. Raw sums are banded with the scoring sheet (<=22 low, 23-41 average, >=42 high) and
converted to standard scores (mean 50, SD 10) with the published norms for professionals working with trauma
survivors; research cut-points flag high BO (>=56), high STS (>=56) and low CS (<=44).

References:
    Stamm, B. H. (2010). The Concise ProQOL Manual, 2nd ed. Pocatello, ID: ProQOL.org (items, keying, norms,
    alphas). Heritage, Rees & Hegney (2018), The ProQOL-21: a revised version of the Professional Quality of Life
    scale based on Rasch analysis, PLoS ONE 13(2): the reverse-keyed burnout items behave as a separate,
    CS-like factor.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .jit import njit

SUBSCALES = ("cs", "bo", "sts")
N_ITEMS = 10
ITEM_MIN, ITEM_MAX = 1, 5
RAW_MIN, RAW_MAX = N_ITEMS * ITEM_MIN, N_ITEMS * ITEM_MAX
#: published pooled raw-score norms (mean, SD) for professionals working with trauma survivors (Stamm 2010)
NORMS = {"cs": (37.7, 6.5), "bo": (22.8, 5.4), "sts": (16.7, 5.7)}
_NORM_MEAN = np.array([NORMS[s][0] for s in SUBSCALES])
_NORM_SD = np.array([NORMS[s][1] for s in SUBSCALES])
#: scoring-sheet bands on raw sums
LOW_MAX, HIGH_MIN = 22, 42
#: research cut-points on standard scores
HIGH_T, LOW_T = 56.0, 44.0
#: ProQOL-5 item numbers of each subscale, in the order of the microdata columns (Stamm 2010, scoring key)
ITEM_NUMBERS = {"cs": (3, 6, 12, 16, 18, 20, 22, 24, 27, 30),
                "bo": (1, 4, 8, 10, 15, 17, 19, 21, 26, 29),
                "sts": (2, 5, 7, 9, 11, 13, 14, 23, 25, 28)}
#: the reverse-keyed burnout items (ProQOL items 1, 4, 15, 17 and 29), as positions within the BO subscale
REVERSED_BO = tuple(ITEM_NUMBERS["bo"].index(k) for k in (1, 4, 15, 17, 29))
_REVERSED = np.isin(np.arange(N_ITEMS), REVERSED_BO)  # bool per BO item position (compiled code reads it)
#: microdata column names of the 30 answers, subscale by subscale (e.g. ``bo_q15``)
ITEM_COLUMNS = tuple(f"{s}_q{k}" for s in SUBSCALES for k in ITEM_NUMBERS[s])


#: the names of :meth:`Survey.summary`, in its order
SUMMARY_KEYS = (*(k for s in SUBSCALES for k in (f"proqol_{s}_raw", f"proqol_{s}_raw_sd", f"proqol_{s}_t",
                                                 f"prop_{s}_low", f"prop_{s}_average", f"prop_{s}_high")),
                "prop_high_bo", "prop_high_sts", "prop_low_cs")


def difficulties(half_range: float) -> np.ndarray:
    """Item difficulties of a subscale: ten values evenly spaced from ``-half_range`` to ``half_range``."""
    return np.linspace(-half_range, half_range, N_ITEMS)


@dataclass(frozen=True)
class Survey:
    """One survey round.

    Attributes:
        raw: raw subscale sums, shape (n_respondents, 3), columns CS, BO, STS.
        t: standard scores, same shape.
        items: the answers as given (reverse-keyed items not yet reversed), shape (n_respondents, 3, 10), or
            None for a survey built from scores alone.
        slots: the respondents' slots (posts), or None.
    """

    raw: np.ndarray
    t: np.ndarray
    items: np.ndarray | None = None
    slots: np.ndarray | None = None

    def summary(self) -> dict[str, float]:
        """Mean raw scores, band shares and research cut-point shares."""
        n = self.raw.shape[0]
        if n == 0:
            return dict.fromkeys(SUMMARY_KEYS, np.nan)
        # one reduction per statistic over the subscales as rows (each row reduced as its own column would be): raw
        # sums (exact in float64) above standard scores, so that one call gives every mean
        k = len(SUBSCALES)
        rows = np.empty((2 * k, n))  # C order: each row contiguous
        rows[:k] = self.raw.T
        rows[k:] = self.t.T
        means = rows.mean(axis=1).tolist()
        sd = rows[:k].std(axis=1, ddof=1).tolist() if n > 1 else [np.nan] * k
        # a share is a count over n, exactly the mean of its indicator
        counts = _summary_counts(self.raw, self.t).tolist()
        values: list[float] = []
        for j in range(k):
            values += [means[j], sd[j], means[k + j], *(c / n for c in counts[3 * j:3 * j + 3])]
        values += [c / n for c in counts[3 * k:]]
        return dict(zip(SUMMARY_KEYS, values))

    def subset(self, mask: np.ndarray) -> Survey:
        """The respondents selected by ``mask`` (bool per respondent), as a survey of their own."""
        return Survey(raw=self.raw[mask], t=self.t[mask], items=None if self.items is None else self.items[mask],
                      slots=None if self.slots is None else self.slots[mask])

    def microdata(self, team: np.ndarray | None = None, week: int | None = None) -> pd.DataFrame:
        """One row per respondent, as a real survey's data file: slot, team, the 30 answers, raw and T scores.

        Args:
            team: team index per slot (the model's ``workforce.team``), to add a ``team`` column.
            week: the survey week, to add a ``week`` column.

        Returns:
            columns ``week``, ``slot``, ``team`` (those given), ``cs_q3`` ... ``sts_q28`` (the answers as given,
            subscale by subscale in :data:`ITEM_COLUMNS` order; reverse-keyed BO items unreversed), then
            ``cs_raw, bo_raw, sts_raw, cs_t, bo_t, sts_t``.
        """
        if self.items is None or self.slots is None:
            raise ValueError("this survey has no item responses (it was built from scores)")
        n = self.raw.shape[0]
        cols: dict[str, np.ndarray] = {}
        if week is not None:
            cols["week"] = np.full(n, week, np.int32)
        cols["slot"] = self.slots.astype(np.int32)
        if team is not None:
            cols["team"] = np.asarray(team)[self.slots].astype(np.int32)
        flat = self.items.reshape(n, -1)
        for k, name in enumerate(ITEM_COLUMNS):
            cols[name] = flat[:, k]
        for j, s in enumerate(SUBSCALES):
            cols[f"{s}_raw"] = self.raw[:, j]
        for j, s in enumerate(SUBSCALES):
            cols[f"{s}_t"] = self.t[:, j]
        return pd.DataFrame(cols)


def item_responses(rng: np.random.Generator, latent: np.ndarray, m) -> np.ndarray:
    """Answers of each respondent to each item, as given (reverse-keyed items unreversed).

    Args:
        rng: the survey stream.
        latent: latent states in [0, 1], shape (n, 3) (CS, BO, STS).
        m: the ``measurement`` parameter group (loadings ``item_loading_*``, difficulty half-ranges
            ``item_difficulty_*``, noise SDs ``item_noise_sd_*``, and ``bo_reverse_cs_loading``).

    Returns:
        int8 array (n, 3, 10) with values 1-5.
    """
    loading, diff, sd = _item_model(m.item_loading_cs, m.item_loading_bo, m.item_loading_sts, m.item_difficulty_cs,
                                    m.item_difficulty_bo, m.item_difficulty_sts, m.item_noise_sd_cs,
                                    m.item_noise_sd_bo, m.item_noise_sd_sts)
    noise = rng.standard_normal((latent.shape[0], len(SUBSCALES), N_ITEMS))
    return _answers(np.ascontiguousarray(latent, dtype=np.float64), noise, loading, diff, sd,
                    float(m.bo_reverse_cs_loading))


@functools.lru_cache(maxsize=64)
def _item_model(loading_cs, loading_bo, loading_sts, half_cs, half_bo, half_sts, sd_cs, sd_bo, sd_sts):
    """Loadings (3,), difficulties (3, 10) in the scored direction and noise SDs (3,) of the item model.

    Cached (read-only arrays): the parameters rarely change within a run, and building the difficulties cost
    more than answering a survey of 300.
    """
    loading = np.array([loading_cs, loading_bo, loading_sts], dtype=np.float64)
    diff = np.stack([difficulties(half_cs), difficulties(half_bo), difficulties(half_sts)])
    # a difficulty is in the scored direction: reversed when the item is reversed
    diff[1, _REVERSED] = -diff[1, _REVERSED]
    sd = np.array([sd_cs, sd_bo, sd_sts], dtype=np.float64)
    for a in (loading, diff, sd):
        a.setflags(write=False)
    return loading, diff, sd


@njit
def _answers(latent, noise, loading, diff, sd, w):
    """The answers of :func:`item_responses` from the latent states (n, 3) and standard normal noise (n, 3, 10).

    One compiled pass: each answer is ``clip(rint(3 + L_s (x - 1/2) + d_sj + e sd_s), 1, 5)`` with the operations
    in that order (no fused multiply-add, no reassociation), so the answers are those of the same NumPy
    expression. A reverse-keyed burnout item reflects ``x = (1 - w)(1 - BO) + w CS`` instead of BO.
    """
    n = latent.shape[0]
    out = np.empty((n, len(SUBSCALES), N_ITEMS), np.int8)
    for i in range(n):
        mixed = (1.0 - w) * (1.0 - latent[i, 1]) + w * latent[i, 0]
        for s in range(len(SUBSCALES)):
            for j in range(N_ITEMS):
                x = mixed if s == 1 and _REVERSED[j] else latent[i, s]
                y = 3.0 + loading[s] * (x - 0.5) + diff[s, j] + noise[i, s, j] * sd[s]
                out[i, s, j] = np.int8(min(max(np.rint(y), float(ITEM_MIN)), float(ITEM_MAX)))
    return out


@njit
def scored(items: np.ndarray) -> np.ndarray:
    """Item scores: the answers with the reverse-keyed burnout items reversed (``6 - answer``), as int64.

    Compiled, so that :func:`raw_scores` sums them in the same call.
    """
    out = np.empty(items.shape, np.int64)
    for i in range(items.shape[0]):
        for s in range(items.shape[1]):
            for j in range(items.shape[2]):
                answer = np.int64(items[i, s, j])
                out[i, s, j] = (ITEM_MIN + ITEM_MAX) - answer if s == 1 and _REVERSED[j] else answer
    return out


@njit
def raw_scores(items: np.ndarray) -> np.ndarray:
    """Raw subscale sums (10-50) from answers of shape (n, 3, 10), reverse-keyed items reversed."""
    scores = scored(items)
    raw = np.zeros((scores.shape[0], scores.shape[1]), np.int64)
    for i in range(scores.shape[0]):
        for s in range(scores.shape[1]):
            for j in range(scores.shape[2]):
                raw[i, s] += scores[i, s, j]
    return raw


def cronbach_alpha(item_scores: np.ndarray) -> float:
    """Cronbach's alpha of one subscale from item scores of shape (n, k) (Cronbach 1951)."""
    k = item_scores.shape[1]
    if item_scores.shape[0] < 2:
        return float("nan")
    total = item_scores.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - item_scores.var(axis=0, ddof=1).sum() / total))


def standard_scores(raw: np.ndarray) -> np.ndarray:
    """Standard scores (mean 50, SD 10 in the norm group) for raw sums of shape (n, 3)."""
    return 50.0 + 10.0 * (raw - _NORM_MEAN) / _NORM_SD


@njit
def bands(raw: np.ndarray) -> np.ndarray:
    """Scoring-sheet band per raw sum: 0 low (<=22), 1 average (23-41), 2 high (>=42)."""
    return (raw > LOW_MAX).astype(np.int8) + (raw >= HIGH_MIN).astype(np.int8)


@njit
def _summary_counts(raw, t):
    """Respondents in each subscale's bands (CS low, average, high, then BO, then STS), then those with high BO,
    high STS and low CS: the counts behind :meth:`Survey.summary`'s shares, in one compiled pass."""
    b = bands(raw)
    k = len(SUBSCALES)
    counts = np.zeros(3 * k + 3, np.int64)
    for i in range(raw.shape[0]):
        for j in range(k):
            counts[3 * j + b[i, j]] += 1
        if t[i, 1] >= HIGH_T:
            counts[3 * k] += 1
        if t[i, 2] >= HIGH_T:
            counts[3 * k + 1] += 1
        if t[i, 0] <= LOW_T:
            counts[3 * k + 2] += 1
    return counts


def survey(rng: np.random.Generator, latent: np.ndarray, m, respondents: np.ndarray | None = None) -> Survey:
    """Run one ProQOL survey round.

    Item noise is drawn for every row of ``latent`` (every post), and only the respondents' answers are kept, so
    the survey stream uses the same number of draws whoever responds (common random numbers across policies
    that change who is at work).

    Args:
        rng: the survey stream.
        latent: latent states (n, 3), columns CS, BO, STS.
        m: the ``measurement`` parameter group.
        respondents: bool mask of the rows that respond (all if None).
    """
    items = item_responses(rng, latent, m)
    slots = np.arange(latent.shape[0]) if respondents is None else np.flatnonzero(respondents)
    items = items[slots]
    raw = raw_scores(items)
    return Survey(raw=raw, t=standard_scores(raw), items=items, slots=slots)
