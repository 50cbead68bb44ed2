"""The report of a calibration: observed against simulated, prior against posterior, pairs, diagnostics, misfits."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .report import _img_tag  # noqa: E402
from .results import atomic_write  # noqa: E402

FIGURES = ("fit.png", "posterior.png", "pairs.png", "generations.png")


def fit_plot(fit: pd.DataFrame, path: Path) -> None:
    """Each observation (point, +-2 se) against the ensemble's simulated 5-95% interval and median, standardised by
    the observation's se so that metrics of different units share one axis."""
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(fit)))
    y = np.arange(len(fit))[::-1]
    lo = (fit.simulated_q05 - fit.observed) / fit.se
    hi = (fit.simulated_q95 - fit.observed) / fit.se
    mid = (fit.simulated_q50 - fit.observed) / fit.se
    ax.axvspan(-2, 2, color="0.9", label="observed +- 2 se")
    ax.hlines(y, lo, hi, color="tab:blue", lw=4, label="simulated 5-95% (ensemble)")
    ax.plot(mid, y, "o", color="tab:blue")
    ax.axvline(0, color="k", lw=1)
    ax.set_yticks(y, fit.metric)
    ax.set_xlabel("(simulated - observed) / se")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def posterior_plot(ensemble: pd.DataFrame, posterior: pd.DataFrame, path: Path) -> None:
    """Per parameter: the weighted histogram of the ensemble over the prior range, the uniform prior, the default."""
    n = len(posterior)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.8 * rows), squeeze=False)
    for ax, row in zip(axes.flat, posterior.itertuples()):
        bins = np.linspace(row.prior_low, row.prior_high, 21)
        ax.hist(ensemble[row.parameter], bins=bins, weights=ensemble["weight"], density=True, color="tab:blue",
                alpha=0.7, label="posterior")
        ax.hlines(1 / (row.prior_high - row.prior_low), row.prior_low, row.prior_high, color="0.4", ls="--",
                  label="prior")
        ax.axvline(row.default, color="tab:red", lw=1, label="default")
        ax.set_title(row.parameter, fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def pairs_plot(ensemble: pd.DataFrame, posterior: pd.DataFrame, path: Path) -> bool:
    """Pairwise scatter of the ensemble (point size by weight); False (nothing drawn) with one parameter."""
    names = list(posterior.parameter)
    if len(names) < 2:
        return False
    k = len(names)
    fig, axes = plt.subplots(k - 1, k - 1, figsize=(2.6 * (k - 1) + 0.6, 2.6 * (k - 1) + 0.4), squeeze=False)
    size = 4 + 200 * ensemble["weight"] / ensemble["weight"].max() / np.sqrt(len(ensemble))
    for i in range(1, k):
        for j in range(k - 1):
            ax = axes[i - 1, j]
            if j >= i:
                ax.axis("off")
                continue
            ax.scatter(ensemble[names[j]], ensemble[names[i]], s=size, alpha=0.5)
            ax.set_xlim(posterior.prior_low[j], posterior.prior_high[j])
            ax.set_ylim(posterior.prior_low[i], posterior.prior_high[i])
            if i == k - 1:
                ax.set_xlabel(names[j], fontsize=8)
            if j == 0:
                ax.set_ylabel(names[i], fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def generations_plot(gens: pd.DataFrame, path: Path) -> None:
    """Tolerance and acceptance rate per generation."""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(gens.generation, gens.epsilon, "o-", label="tolerance (RMS standardised distance)")
    ax.set_xlabel("generation")
    ax.set_ylabel("tolerance")
    ax2 = ax.twinx()
    ax2.plot(gens.generation, gens.acceptance_rate, "s--", color="tab:orange", label="acceptance rate")
    ax2.set_ylabel("acceptance rate")
    fig.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0, classes="t")


def write_report(result, folder: Path) -> Path:
    """Write ``report.html`` (and ``figures/``) of a :class:`~experiments.calibration.CalibrationResult`."""
    folder = Path(folder)
    figs = folder / "figures"
    figs.mkdir(exist_ok=True)
    fit_plot(result.fit, figs / "fit.png")
    posterior_plot(result.ensemble, result.posterior, figs / "posterior.png")
    has_pairs = pairs_plot(result.ensemble, result.posterior, figs / "pairs.png")
    generations_plot(result.generations, figs / "generations.png")
    misfits = result.fit[~result.fit.fits]
    spec = result.meta.get("spec", {})
    title = spec.get("title") or "Calibration"
    gens = result.generations
    ess = gens.effective_sample_size.iloc[-1]
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>ABC-SMC (pyABC) over {len(result.posterior)} parameter(s) against {len(result.fit)} observed "
             f"figure(s): {len(gens)} generation(s), {int(gens.simulations.sum()):,} simulations; stopped because "
             f"{html.escape(result.stopped)}. The ensemble holds {len(result.ensemble)} weighted parameter sets "
             f"(effective sample size {ess:.0f}).</p>",
             *(["<h2>Warnings</h2><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
                + "</ul>"] if result.warnings else []),
             "<h2>What did not fit</h2>",
             ("<p>Every observation lies within the ensemble's simulated 5-95% interval widened by two standard "
              "errors.</p>" if misfits.empty else
              "<ul>" + "".join(f"<li>{html.escape(r.metric)}: observed {r.observed:.4g} (se {r.se:.3g}), simulated "
                               f"{r.simulated_q05:.4g} to {r.simulated_q95:.4g} (z = {r.z:+.1f})</li>"
                               for r in misfits.itertuples()) + "</ul>"
              "<p>A misfit means the model with these parameters free cannot reproduce that figure: free another "
              "parameter that moves it, or check how the figure was measured.</p>"),
             "<h2>Observed against simulated</h2>", _img_tag(figs / "fit.png"), _table(result.fit),
             "<h2>Prior against posterior</h2>",
             "<p><em>narrowing</em> is the width of the 5-95% interval over the width of the prior range.</p>",
             _img_tag(figs / "posterior.png"), _table(result.posterior)]
    if has_pairs:
        parts += ["<h2>Pairs</h2><p>Correlated pairs are traded off by the data: only their combination is "
                  "identified.</p>", _img_tag(figs / "pairs.png")]
    parts += ["<h2>Diagnostics</h2>", _img_tag(figs / "generations.png"), _table(gens)]
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:auto}table.t td,table.t th{padding:2px 8px}"
            "</style></head><body>" + "\n".join(parts) + "</body></html>")
    path = folder / "report.html"
    atomic_write(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path
