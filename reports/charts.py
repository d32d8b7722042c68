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


def stacked_bars_svg(title: str, rows: dict[str, dict[str, int]], labels: dict[str, str] | None = None) -> str:
    """One horizontal bar per row (a year, a body...), split by outcome, with counts and a legend."""
    labels = labels or {}
    series = _series(rows)
    top = max((sum(v for _, v in parts) for _, parts in series), default=1) or 1
    width, left, bar_h, gap = 640, 150, 18, 8
    height = 40 + len(series) * (bar_h + gap) + 30 + 20 * ((len(PALETTE) + 2) // 3)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    y = 32
    scale = (width - left - 40) / top
    for label, parts in series:
        out.append(f'<text x="0" y="{y + 13}">{escape(label[:22])}</text>')
        x = float(left)
        for key, value in parts:
            w = value * scale
            color = PALETTE.get(key, "#888888")
            name = escape(labels.get(key, key))
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"><title>{name}: {value}</title></rect>'
            )
            if w > 18:
                out.append(f'<text x="{x + w / 2:.1f}" y="{y + 13}" text-anchor="middle" fill="#fff">{value}</text>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{sum(v for _, v in parts)}</text>')
        y += bar_h + gap
    y += 10
    for i, key in enumerate(PALETTE):
        lx, ly = (i % 3) * 210, y + (i // 3) * 20
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[key]}"/>')
        out.append(f'<text x="{lx + 16}" y="{ly + 11}">{escape(labels.get(key, key))}</text>')
    out.append("</svg>")
    return "".join(out)


def stacked_bars_png(title: str, rows: dict[str, dict[str, int]], labels: dict[str, str] | None = None) -> bytes:
    labels = labels or {}
    series = _series(rows)
    top = max((sum(v for _, v in parts) for _, parts in series), default=1) or 1
    width, left, bar_h, gap = 640, 150, 18, 8
    height = 40 + len(series) * (bar_h + gap) + 30 + 20 * ((len(PALETTE) + 2) // 3)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((0, 4), title, fill="black")
    y = 32
    scale = (width - left - 40) / top
    for label, parts in series:
        draw.text((0, y + 3), label[:22], fill="black")
        x = float(left)
        for key, value in parts:
            w = value * scale
            draw.rectangle([x, y, x + w, y + bar_h], fill=PALETTE.get(key, "#888888"))
            x += w
        draw.text((x + 4, y + 3), str(sum(v for _, v in parts)), fill="black")
        y += bar_h + gap
    y += 10
    for i, key in enumerate(PALETTE):
        lx, ly = (i % 3) * 210, y + (i // 3) * 20
        draw.rectangle([lx, ly, lx + 12, ly + 12], fill=PALETTE[key])
        draw.text((lx + 16, ly), labels.get(key, key), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
