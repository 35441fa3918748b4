"""Server-rendered SVG charts (no CDN, no script); each has a title and a text equivalent."""

from markupsafe import Markup, escape

WIDTH, BAR_H, GAP, LABEL_W = 640, 20, 10, 130


def bar_chart(title: str, rows: list[tuple[str, list[float]]], series: list[str], unit: str = ""):
    """Horizontal grouped bars: rows of (label, [value per series]); the table beside the
    chart in the page is its text equivalent, and the SVG carries a summary in <desc>."""
    biggest = max((v for _, values in rows for v in values), default=0) or 1
    group_h = BAR_H * len(series) + GAP
    height = group_h * len(rows) + 28
    plot_w = WIDTH - LABEL_W - 110
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + str(
            escape(
                "; ".join(
                    f"{label}: "
                    + ", ".join(f"{s} {v:,.0f}{unit}" for s, v in zip(series, values, strict=True))
                    for label, values in rows
                )
            )
        )
        + "</desc>",
    ]
    for i, name in enumerate(series):
        x = LABEL_W + i * 140
        parts.append(f'<rect class="chart__s{i}" x="{x}" y="4" width="12" height="12"/>')
        parts.append(f'<text x="{x + 16}" y="15" class="chart__legend">{escape(name)}</text>')
    for r, (label, values) in enumerate(rows):
        top = 28 + r * group_h
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{top + group_h / 2}" class="chart__label" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for i, value in enumerate(values):
            w = max(plot_w * value / biggest, 0)
            y = top + i * BAR_H
            parts.append(
                f'<rect class="chart__s{i}" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H - 3}"/>'
            )
            parts.append(
                f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H - 5}" class="chart__value">'
                f"{value:,.0f}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def line_chart(title: str, labels: list[str], values: list[float], unit: str = ""):
    """A small trend line with a dot and a value per point; the page shows the same as a table."""
    width, height, pad = 640, 180, 36
    biggest = max(values, default=0) or 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        (pad + i * step, height - pad - (height - 2 * pad) * v / biggest)
        for i, v in enumerate(values)
    ]
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + str(
            escape(
                "; ".join(f"{lab}: {v:,.0f}{unit}" for lab, v in zip(labels, values, strict=True))
            )
        )
        + "</desc>",
        '<polyline class="chart__line" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        + '"/>',
    ]
    for (x, y), label, value in zip(points, labels, values, strict=True):
        parts.append(f'<circle class="chart__dot" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" class="chart__value" text-anchor="middle">'
            f"{value:,.0f}</text>"
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" class="chart__label" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
