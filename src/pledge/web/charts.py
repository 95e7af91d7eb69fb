"""Plotly figures as plain dicts (data + layout), drawn in the browser by plotly.js.

Building the dicts directly keeps a page render cheap; amounts are converted to
float only here, for drawing, never stored or summed as floats. Titles, axis titles,
trace names and hover texts are in the language of the request (``web.i18n``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from pledge.domain.capital import CapitalAccount, LineKind
from pledge.domain.money import format_japanese, format_rounded
from pledge.domain.waterfall import WaterfallResult
from pledge.web.i18n import _, current

PARTNER = "#b5282e"   # the partner's side
US = "#1f4e8c"        # the United States' side
MUTED = "#9aa5b1"
GRID = "#e5e9ef"
# Japanese and Korean names drawn in charts need a font that has them (as the pages' CSS).
CHART_FONTS = ('system-ui, "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", '
               '"Noto Sans CJK KR", "Malgun Gothic", sans-serif')

Figure = dict[str, Any]


def axis(title: str, **extra: Any) -> dict[str, Any]:
    """An axis with its title (plotly.js 3 and later read only ``title.text``: a bare
    string is silently dropped) and the light grid."""
    return {"title": {"text": title}, "gridcolor": GRID, **extra}


def _date_ticks() -> dict[str, Any]:
    """Dates on an axis as Japanese writes them (plotly.js's own labels are English)."""
    return {"tickformat": "%Y年%-m月", "hoverformat": "%Y年%-m月%-d日"} \
        if current() == "ja" else {}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}, "x": 0.01},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 45}, "height": 320,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": CHART_FONTS, "size": 12},
        "xaxis": {"gridcolor": GRID}, "yaxis": {"gridcolor": GRID},
    }
    base.update(extra)
    return base


def bn(value: Decimal) -> float:
    """US dollars as billions, for an axis."""
    return float(value / Decimal(1_000_000_000))


MIN_VISIBLE = 0.015  # the least share of a gauge's dial an amount above zero is drawn as


def gauge(cap: Decimal, allocated: Decimal, disbursed: Decimal) -> Figure:
    """Allocated against the cap as a gauge, disbursed as the inner band (in Japanese,
    counted in 億ドル: hundreds of millions)."""
    ja = current() == "ja"
    k = 10.0 if ja else 1.0
    top = max(bn(cap), 0.001) * k
    shown = format_japanese(cap, "ドル") if ja else format_rounded(cap, "USD")
    # A small amount still shows: a band at least MIN_VISIBLE of the dial wide is drawn
    # under the bar (the number stays exact); nothing is drawn for nothing.
    # (the allocated band twice that when a disbursed band lies over it, so both show).
    held, paid = bn(allocated) * k, bn(disbursed) * k
    least = top * MIN_VISIBLE
    wide = least * (2 if paid > 0 else 1)
    steps = [{"range": [0, max(held, wide)], "color": US}] if 0 < held < wide else []
    if paid > 0:
        steps.append({"range": [0, max(paid, least)], "color": PARTNER})
    return {"data": [{
        "type": "indicator", "mode": "gauge+number", "value": bn(allocated) * k,
        "number": {"prefix": "" if ja else "US$", "suffix": "億ドル" if ja else "bn",
                   "valueformat": ",.4~r"},
        "gauge": {"axis": {"range": [0, top]}, "bar": {"color": US},
                  "steps": steps,
                  "threshold": {"line": {"color": "#222", "width": 2}, "value": top}},
    }], "layout": _layout(_("Allocated (bar) and disbursed (red) of the %(cap)s cap")
                          % {"cap": shown},
                          height=260, margin={"l": 30, "r": 30, "t": 50, "b": 10})}


def pipeline(stages: Sequence[str], counts: Sequence[int], usd_high: Sequence[Decimal]) -> Figure:
    return {"data": [
        {"type": "bar", "x": list(stages), "y": list(counts), "name": _("projects"),
         "marker": {"color": US}, "hovertemplate": _("%{x}: %{y} projects") + "<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": list(stages),
         "y": [bn(v) for v in usd_high], "name": _("US$bn (upper estimates)"), "yaxis": "y2",
         "marker": {"color": PARTNER, "size": 10},
         "hovertemplate": _("%{x}: US$%{y:,.1f}bn") + "<extra></extra>"},
    ], "layout": _layout(_("Pipeline by stage"), xaxis=axis(_("stage")),
                         yaxis=axis(_("projects"), rangemode="tozero"),
                         margin={"l": 50, "r": 60, "t": 40, "b": 45},
                         yaxis2=axis(_("US$bn (upper estimates)"), overlaying="y", side="right",
                                     rangemode="tozero", showgrid=False),
                         legend={"orientation": "h", "y": -0.25})}


def by_sector(sectors: dict[str, Decimal]) -> Figure:
    return {"data": [{"type": "bar", "orientation": "h", "y": list(sectors),
                      "x": [bn(v) for v in sectors.values()], "marker": {"color": US},
                      "hovertemplate": _("%{y}: US$%{x:,.4~r}bn") + "<extra></extra>"}],
            "layout": _layout(_("Allocated by sector (US$bn)"),
                              xaxis=axis(_("US$bn allocated")), yaxis=axis(_("sector")),
                              margin={"l": 170, "r": 20, "t": 40, "b": 45})}


def waterfall(result: WaterfallResult, periods_per_year: int) -> Figure:
    """Per year: funding (negative), what each side received, and the balance to recoup."""
    years: dict[int, list[Decimal]] = {}
    balance: dict[int, Decimal] = {}
    for p in result.periods:
        y = p.period // periods_per_year + 1
        acc = years.setdefault(y, [Decimal(0), Decimal(0), Decimal(0)])
        acc[0] += p.funding
        acc[1] += p.partner
        acc[2] += p.us
        balance[y] = p.balance
    xs = list(years)
    return {"data": [
        {"type": "bar", "name": _("funding"), "x": xs, "y": [-bn(v[0]) for v in years.values()],
         "marker": {"color": MUTED}},
        {"type": "bar", "name": _("to the partner"), "x": xs,
         "y": [bn(v[1]) for v in years.values()],
         "marker": {"color": PARTNER}},
        {"type": "bar", "name": _("to the United States"), "x": xs,
         "y": [bn(v[2]) for v in years.values()], "marker": {"color": US}},
        {"type": "scatter", "mode": "lines", "name": _("balance to recoup"), "x": xs,
         "y": [bn(v) for v in balance.values()], "line": {"color": "#222", "dash": "dot"}},
    ], "layout": _layout(_("Base case: the split year by year (US$bn)"), barmode="relative",
                         xaxis=axis(_("year of the project")), yaxis=axis(_("US$bn")),
                         legend={"orientation": "h", "y": -0.25})}


def capital_account(account: CapitalAccount, partner: str) -> Figure:
    """The partner's capital account over time: the balance it is owed after each dated
    movement (and on the statement's date), and each side's cumulative distributions."""
    days: dict[str, list[Decimal]] = {}
    paid = [Decimal(0), Decimal(0)]
    for ln in account.lines:
        if ln.kind is LineKind.DISTRIBUTION:
            paid[0] += ln.partner
            paid[1] += ln.us
        days[ln.on.isoformat()] = [ln.balance_after, paid[0], paid[1]]
    if account.lines:
        days.setdefault(account.as_of.isoformat(), [account.balance, paid[0], paid[1]])
    xs = list(days)
    hover = _("%{x}: US$%{y:,.3f}bn") + "<extra>%{fullData.name}</extra>"
    return {"data": [
        {"type": "scatter", "mode": "lines+markers",
         "name": _("balance owed to %(partner)s") % {"partner": partner},
         "x": xs, "y": [bn(v[0]) for v in days.values()], "line": {"color": "#222",
                                                                   "shape": "hv"},
         "hovertemplate": hover},
        {"type": "scatter", "mode": "lines+markers",
         "name": _("paid to %(partner)s (cumulative)") % {"partner": partner},
         "x": xs, "y": [bn(v[1]) for v in days.values()],
         "line": {"color": PARTNER, "shape": "hv"}, "hovertemplate": hover},
        {"type": "scatter", "mode": "lines+markers",
         "name": _("paid to the United States (cumulative)"), "x": xs,
         "y": [bn(v[2]) for v in days.values()], "line": {"color": US, "shape": "hv"},
         "hovertemplate": hover},
    ], "layout": _layout(_("Capital account: balance owed and distributions to date (US$bn)"),
                         xaxis=axis(_("date"), type="date", **_date_ticks()),
                         yaxis=axis(_("US$bn")),
                         legend={"orientation": "h", "y": -0.25})}


def irr_histogram(irr: np.ndarray[Any, np.dtype[np.float64]], bins: int = 40) -> Figure:
    finite = irr[np.isfinite(irr)]
    if finite.size == 0:
        return {"data": [], "layout": _layout(_("Partner IRR: no path has an IRR"))}
    counts, edges = np.histogram(finite * 100, bins=bins)
    mids = ((edges[:-1] + edges[1:]) / 2).round(4).tolist()
    share = (counts / irr.size).round(6).tolist()
    return {"data": [{"type": "bar", "x": mids, "y": share, "marker": {"color": PARTNER},
                      "hovertemplate": _("IRR %{x:.2f}%: %{y:.1%} of paths")
                      + "<extra></extra>"}],
            "layout": _layout(_("Partner IRR over %(n)s simulated paths") % {"n": f"{irr.size:,}"},
                              xaxis=axis(_("annual IRR (%)"), ticksuffix="%"),
                              yaxis=axis(_("share of paths"), tickformat=".0%"), bargap=0.02)}


def shared_points(chosen: dict[str, tuple[float, float]]
                  ) -> list[tuple[list[str], tuple[float, float]]]:
    """The distinct points among the chosen batches, each with the objectives that chose
    it (in their order), so objectives that agree share one marker and one label."""
    groups: dict[tuple[float, float], list[str]] = {}
    for name, (x, y) in chosen.items():
        groups.setdefault((round(x, 6), round(y, 6)), []).append(name)
    return [(names, point) for point, names in groups.items()]


def pareto(points: Sequence[tuple[float, float, str]], chosen: dict[str, tuple[float, float]]
           ) -> Figure:
    """The frontier (U_us, U_partner) with each optimised batch marked."""
    data: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "lines+markers", "name": _("Pareto frontier"),
        "x": [p[0] for p in points], "y": [p[1] for p in points],
        "text": [p[2] for p in points], "line": {"color": MUTED, "shape": "hv"},
        "marker": {"color": "#222", "size": 7},
        "hovertemplate": "U_us %{x:.2f}, U_partner %{y:.2f}<br>%{text}<extra></extra>"}]
    places = ("top center", "bottom center", "middle left", "top left")  # near points apart
    for i, (names, (x, y)) in enumerate(shared_points(chosen)):
        label = ", ".join(_(n) for n in names)
        data.append({"type": "scatter", "mode": "markers+text", "name": label, "x": [x],
                     "y": [y], "text": [label], "textposition": places[i % len(places)],
                     "marker": {"size": 13, "symbol": "diamond"}})
    return {"data": data, "layout": _layout(
        _("Batches: what each side gets"), xaxis=axis(_("US utility (0 to 1)")),
        yaxis=axis(_("partner utility (0 to 1)")), height=380,
        legend={"orientation": "h", "y": -0.2})}


def tornado(t: Any) -> Figure:
    """The partner's base-case IRR with each driver moved down and up (a tornado: the
    largest swing on top), from ``services.sensitivity.Tornado``."""
    base = t.base.irr * 100
    bars = [b for b in t.bars if b.low_outcome.irr is not None
            and b.high_outcome.irr is not None][:12][::-1]  # plotly draws the first lowest
    labels = [f"{b.name} ±{b.swing:.0%}" for b in bars]

    def side(name: str, outcome: str, value: str, colour: str) -> dict[str, Any]:
        return {"type": "bar", "orientation": "h", "name": name, "y": labels,
                "x": [round(getattr(b, outcome).irr * 100 - base, 4) for b in bars],
                "base": round(base, 4), "marker": {"color": colour},
                "customdata": [getattr(b, value) for b in bars],
                "hovertemplate": _("%{y} at %{customdata}: %{x:+.2f} points of IRR")
                + "<extra></extra>"}

    return {"data": [side(_("driver moved down"), "low_outcome", "low", MUTED),
                     side(_("driver moved up"), "high_outcome", "high", PARTNER)],
            "layout": _layout(_("Sensitivity: the partner's IRR, base case %(irr)s%%")
                              % {"irr": f"{base:.2f}"}, barmode="overlay",
                              xaxis=axis(_("change in the partner's IRR (points)")),
                              yaxis=axis(""), height=360,
                              margin={"l": 190, "r": 20, "t": 40, "b": 45},
                              legend={"orientation": "h", "y": -0.2})}
