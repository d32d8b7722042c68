"""Charts drawn on the server, with no script and nothing fetched: stacked bars as SVG (shown in the page,
exported) and as PNG (Pillow)."""

from __future__ import annotations

import io
from html import escape

from PIL import Image, ImageDraw

PALETTE = {
    "refugee_status": "#1b7837",
    "subsidiary_protection": "#5aae61",
    "annulment": "#a6dba0",
    "violation": "#7fbf7b",
    "rejection": "#c2185b",
    "inadmissibility": "#e7a1b0",
    "unknown": "#bdbdbd",
}
ORDER = list(PALETTE)


def _series(rows: dict[str, dict[str, int]]) -> list[tuple[str, list[tuple[str, int]]]]:
    out = []
    for label, counts in rows.items():
        parts = [(k, counts[k]) for k in ORDER if counts.get(k)]
        parts += [(k, v) for k, v in counts.items() if k not in PALETTE and v]
        out.append((label, parts))
    return out


LABEL_CHARS = 26  # what the label column holds on one line at 12 px
LINE = 14  # px between the lines of a wrapped label


def wrap_label(label: str, width: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """A row label on at most ``lines`` lines of ``width`` characters, cut between words, with '…' when it
    is longer still (the full label stays in the chart as a tooltip)."""
    out: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [line if len(line) <= width else line[: width - 1].rstrip() + "…" for line in out] or [""]


def _layout(series: list[tuple[str, list[tuple[str, int]]]], bar_h: int) -> list[tuple[list[str], int]]:
    """Each row's label lines and height (a wrapped label makes its row taller)."""
    rows = []
    for label, _ in series:
        lines = wrap_label(label)
        rows.append((lines, max(bar_h, LINE * len(lines) + 4)))
    return rows


def stacked_bars_svg(title: str, rows: dict[str, dict[str, int]], labels: dict[str, str] | None = None) -> str:
    """One horizontal bar per row (a year, a body...), split by outcome, with counts and a legend. Long row
    labels are wrapped on two lines; the full label is the row's tooltip (``<title>``)."""
    labels = labels or {}
    series = _series(rows)
    layout = _layout(series, 18)
    top = max((sum(v for _, v in parts) for _, parts in series), default=1) or 1
    width, left, bar_h, gap = 640, 180, 18, 8
    height = 40 + sum(h + gap for _, h in layout) + 30 + 20 * ((len(PALETTE) + 2) // 3)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    y = 32
    scale = (width - left - 40) / top
    for (label, parts), (lines, row_h) in zip(series, layout, strict=True):
        first = y + (row_h - LINE * len(lines)) // 2 + 11
        spans = "".join(f'<tspan x="0" y="{first + i * LINE}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        out.append(f'<g class="row-label"><title>{escape(label)}</title><text x="0" y="{first}">{spans}</text></g>')
        bar_y = y + (row_h - bar_h) // 2
        x = float(left)
        for key, value in parts:
            w = value * scale
            color = PALETTE.get(key, "#888888")
            name = escape(labels.get(key, key))
            out.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                f"<title>{escape(label)} — {name}: {value}</title></rect>"
            )
            if w > 18:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{bar_y + 13}" text-anchor="middle" fill="{_ink_on(color)}">'
                    f"{value}</text>"
                )
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{bar_y + 13}">{sum(v for _, v in parts)}</text>')
        y += row_h + gap
    y += 10
    for i, key in enumerate(PALETTE):
        lx, ly = (i % 3) * 210, y + (i // 3) * 20
        name = labels.get(key, key)
        short = wrap_label(name, 31, 1)[0]
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[key]}"/>')
        out.append(f'<g><title>{escape(name)}</title><text x="{lx + 16}" y="{ly + 11}">{escape(short)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _ink_on(color: str) -> str:
    """White on the dark greens and pinks, black on the light ones (contrast of the counts in the bars)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def stacked_bars_png(title: str, rows: dict[str, dict[str, int]], labels: dict[str, str] | None = None) -> bytes:
    labels = labels or {}
    series = _series(rows)
    layout = _layout(series, 18)
    top = max((sum(v for _, v in parts) for _, parts in series), default=1) or 1
    width, left, bar_h, gap = 640, 180, 18, 8
    height = 40 + sum(h + gap for _, h in layout) + 30 + 20 * ((len(PALETTE) + 2) // 3)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((0, 4), title, fill="black")
    y = 32
    scale = (width - left - 40) / top
    for (_, parts), (lines, row_h) in zip(series, layout, strict=True):
        first = y + (row_h - LINE * len(lines)) // 2 + 1
        for i, line in enumerate(lines):
            draw.text((0, first + i * LINE), line, fill="black")
        bar_y = y + (row_h - bar_h) // 2
        x = float(left)
        for key, value in parts:
            w = value * scale
            draw.rectangle([x, bar_y, x + w, bar_y + bar_h], fill=PALETTE.get(key, "#888888"))
            x += w
        draw.text((x + 4, bar_y + 3), str(sum(v for _, v in parts)), fill="black")
        y += row_h + gap
    y += 10
    for i, key in enumerate(PALETTE):
        lx, ly = (i % 3) * 210, y + (i // 3) * 20
        draw.rectangle([lx, ly, lx + 12, ly + 12], fill=PALETTE[key])
        draw.text((lx + 16, ly), wrap_label(labels.get(key, key), 31, 1)[0], fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
