"""Plotly charts for the standard report.

Every helper takes a tidy DataFrame with the published columns and draws
suppressed cells as such: a grey, hatched band labelled '..' (never a bar of
length zero), and in stacked share charts a hatched 'Skyddade uppgifter (..)'
segment holding what the published parts leave of the published total (that
remainder is the sum of two or more suppressed cells, computable from what is
published anyway, so it reveals nothing).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

SUPPRESSED_COLOUR = "rgba(150, 150, 150, 0.35)"
SUPPRESSED_LINE = "rgba(110, 110, 110, 0.9)"
SUPPRESSED_NAME = "Skyddad uppgift (..)"
BAR_COLOUR = "#1f5a93"
NEGATIVE_COLOUR = "#b5542c"
# colour-blind safe qualitative palette (Paul Tol's 'muted' + 'bright')
PALETTE = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#4477AA",
    "#EE6677",
    "#228833",
]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _layout(fig: go.Figure, title: str, height: int, **kwargs) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 20, "t": 60, "b": 40},
        font={"family": FONT, "size": 12},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        separators=", ",  # Swedish: decimal comma, thin space as thousands separator
        **kwargs,
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(automargin=True)
    return fig


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pct(value: float | None) -> str:
    if _missing(value):
        return ".."
    return f"{100 * value:.1f}".replace(".", ",") + " %"


def _fmt_int(value) -> str:
    if _missing(value):
        return ".."
    return f"{int(round(value)):,}".replace(",", "\u202f")


def _published_bars(
    shown: pd.DataFrame,
    *,
    label: str,
    value: str,
    value_title: str,
    fmt,
    hover_extra: str | None,
    error_low: str | None,
    error_high: str | None,
    diverging: bool,
) -> go.Bar:
    """The published rows as bars (with whiskers when error columns are given)."""
    hover = [
        f"{lab}: {fmt(v)}" + (f"<br>{extra}" if hover_extra else "")
        for lab, v, extra in zip(
            shown[label],
            shown[value],
            shown[hover_extra] if hover_extra else [None] * len(shown),
            strict=True,
        )
    ]
    colours = [NEGATIVE_COLOUR if diverging and v < 0 else BAR_COLOUR for v in shown[value]]
    error_x = None
    if error_low and error_high:
        error_x = {
            "type": "data",
            "symmetric": False,
            "array": (shown[error_high] - shown[value]).tolist(),
            "arrayminus": (shown[value] - shown[error_low]).tolist(),
            "color": "#555",
            "thickness": 1.2,
        }
    return go.Bar(
        x=shown[value].tolist(),
        y=[str(v) for v in shown[label]],
        orientation="h",
        name=value_title,
        marker={"color": colours, "opacity": 0.6 if error_x else 1.0},
        text=[fmt(v) for v in shown[value]],
        textposition="outside" if not error_x else "none",
        cliponaxis=False,
        hovertext=hover,
        hoverinfo="text",
        error_x=error_x,
        showlegend=False,
    )


def _suppressed_bands(
    hidden: pd.DataFrame,
    shown: pd.DataFrame,
    *,
    label: str,
    value: str,
    reason: str | None,
    error_high: str | None,
    diverging: bool,
) -> go.Bar:
    """The suppressed rows as hatched '..' bands as long as the longest published bar."""
    finite = shown[value].abs() if not shown.empty else pd.Series([1.0])
    extent = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    if error_high and not shown.empty:
        extent = max(extent, float(shown[error_high].max()))
    reasons = (
        hidden[reason].fillna("").tolist() if reason and reason in hidden else [""] * len(hidden)
    )
    return go.Bar(
        x=[2 * extent if diverging else extent] * len(hidden),
        base=[-extent if diverging else 0] * len(hidden),
        y=[str(v) for v in hidden[label]],
        orientation="h",
        name=SUPPRESSED_NAME,
        marker={
            "color": SUPPRESSED_COLOUR,
            "line": {"color": SUPPRESSED_LINE, "width": 0.5},
            "pattern": {"shape": "/", "fgcolor": SUPPRESSED_LINE, "size": 6},
        },
        text=[".. skyddad"] * len(hidden),
        textposition="inside",
        insidetextanchor="start",
        textangle=0,
        constraintext="none",
        textfont={"color": "#222", "size": 12},
        hovertext=[
            f"{lab}: .. (uppgiften skyddas{', ' + r if r else ''})"
            for lab, r in zip(hidden[label], reasons, strict=True)
        ],
        hoverinfo="text",
        showlegend=True,
    )


def bar_with_suppression(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    suppressed: str,
    title: str,
    value_title: str,
    percent: bool = False,
    reason: str | None = None,
    hover_extra: str | None = None,
    error_low: str | None = None,
    error_high: str | None = None,
    diverging: bool = False,
    sort: bool = True,
) -> go.Figure:
    """Horizontal bars of `value` per `label`; suppressed rows as hatched '..' bands."""
    data = df.copy()
    data[suppressed] = data[suppressed].fillna(False).astype(bool) | data[value].isna()
    if sort:
        data = data.sort_values(
            [suppressed, value], ascending=[False, True], na_position="first", kind="stable"
        )
    shown = data[~data[suppressed]]
    hidden = data[data[suppressed]]
    labels = [str(v) for v in data[label]]
    fig = go.Figure()
    if not shown.empty:
        fig.add_trace(
            _published_bars(
                shown,
                label=label,
                value=value,
                value_title=value_title,
                fmt=_pct if percent else _fmt_int,
                hover_extra=hover_extra,
                error_low=error_low,
                error_high=error_high,
                diverging=diverging,
            )
        )
    if not hidden.empty:
        fig.add_trace(
            _suppressed_bands(
                hidden,
                shown,
                label=label,
                value=value,
                reason=reason,
                error_high=error_high,
                diverging=diverging,
            )
        )
    height = max(260, 26 * len(labels) + 120)
    _layout(fig, title, height, barmode="overlay", bargap=0.25)
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title_text=value_title, tickformat=".0%" if percent else ",d")
    return fig


def _category_bars(
    data: pd.DataFrame, group: str, category: str, share: str, suppressed: str, groups, cats
) -> list[go.Bar]:
    """One stacked segment per category with a published share somewhere."""
    bars = []
    for i, cat in enumerate(cats):
        part = data[(data[category].astype(str) == cat) & ~data[suppressed]]
        values = dict(zip(part[group].astype(str), part[share], strict=True))
        xs = [values.get(g) for g in groups]
        if all(v is None for v in xs):
            continue
        bars.append(
            go.Bar(
                x=xs,
                y=groups,
                orientation="h",
                name=cat,
                marker={"color": PALETTE[i % len(PALETTE)]},
                hovertemplate=f"{cat}<br>%{{y}}: %{{x:.1%}}<extra></extra>",
            )
        )
    return bars


def _remainders(
    data: pd.DataFrame,
    group: str,
    share: str,
    suppressed: str,
    groups,
    total_published: dict[str, bool],
) -> tuple[list, list[str]]:
    """Per group: what the published shares leave (a whole bar when the total is
    suppressed, None when nothing is suppressed), and its text."""
    remainder, texts = [], []
    for g in groups:
        rows = data[data[group].astype(str) == g]
        if not total_published.get(g, True):
            remainder.append(1.0)
            texts.append("..")
        elif rows[suppressed].any():
            rest = max(0.0, 1.0 - float(rows.loc[~rows[suppressed], share].sum()))
            remainder.append(rest)
            texts.append("..")
        else:
            remainder.append(None)
            texts.append("")
    return remainder, texts


def _remainder_bar(remainder: list, texts: list[str], groups) -> go.Bar:
    return go.Bar(
        x=remainder,
        y=groups,
        orientation="h",
        name="Skyddade uppgifter (..)",
        marker={
            "color": SUPPRESSED_COLOUR,
            "line": {"color": SUPPRESSED_LINE, "width": 0.5},
            "pattern": {"shape": "/", "fgcolor": SUPPRESSED_LINE, "size": 6},
        },
        text=texts,
        textposition="inside",
        textangle=0,
        constraintext="none",
        textfont={"color": "#222", "size": 12},
        hovertemplate="%{y}: skyddade celler (..), tillsammans %{x:.1%}<extra></extra>",
    )


def stacked_shares(
    df: pd.DataFrame,
    *,
    group: str,
    category: str,
    share: str,
    suppressed: str,
    total_published: dict[str, bool],
    title: str,
    category_order: list[str] | None = None,
    group_order: list[str] | None = None,
) -> go.Figure:
    """100 % stacked horizontal bars: one bar per group, one segment per category.

    Suppressed categories are not drawn; what the published shares leave of a
    group with a published total is one hatched 'Skyddade uppgifter (..)'
    segment. A group whose total is suppressed is shown as a full hatched bar.
    """
    data = df.copy()
    data[suppressed] = data[suppressed].fillna(False).astype(bool) | data[share].isna()
    groups = group_order or list(dict.fromkeys(data[group].astype(str)))
    cats = category_order or list(dict.fromkeys(data[category].astype(str)))
    fig = go.Figure()
    for bar in _category_bars(data, group, category, share, suppressed, groups, cats):
        fig.add_trace(bar)
    remainder, texts = _remainders(data, group, share, suppressed, groups, total_published)
    if any(r is not None for r in remainder):
        fig.add_trace(_remainder_bar(remainder, texts, groups))
    height = max(280, 30 * len(groups) + 160)
    _layout(fig, title, height, barmode="stack", bargap=0.3)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(groups)))
    fig.update_xaxes(tickformat=".0%", range=[0, 1.0001])
    fig.update_layout(legend={"traceorder": "normal", "y": -0.12, "yanchor": "top"})
    fig.update_layout(margin={"l": 10, "r": 20, "t": 50, "b": 40 + 22 * math.ceil(len(cats) / 4)})
    return fig


def to_html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        default_height=f"{fig.layout.height or 400}px",
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )
