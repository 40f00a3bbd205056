"""Charts drawn on the server as inline SVG: horizontal (stacked) bars and a line chart.

No JavaScript and nothing fetched from elsewhere, so they work on an intranet without internet.
Only SVG presentation attributes (fill=, stroke=, font-size= …) are used, never style="" (the
Content-Security-Policy blocks inline styles); text carries no font-family, so it inherits the
page's font and Chinese labels render with the page's CJK fonts. Every bar and point is a link
(<a href>) to the filtered list behind it and has a <title> tooltip; all text is escaped.
"""
from dataclasses import dataclass, field

from markupsafe import Markup, escape

FONT = 12
BLUE, GREEN, ORANGE, RED, GREY = "#0d6efd", "#198754", "#fd7e14", "#dc3545", "#adb5bd"
INK, MUTED, GRID = "#212529", "#6c757d", "#dee2e6"


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@dataclass
class Segment:
    """A part of a bar: its value, its series (index into the chart's series) and its link."""

    value: int
    series: int = 0
    href: str = ""


@dataclass
class Bar:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass
class Point:
    value: int
    href: str = ""


@dataclass
class Line:
    series: Series
    points: list[Point]


def text_width(text: str, size: float = FONT) -> float:
    """Rough rendered width: CJK characters are about 1em wide, Latin letters and digits about 0.6em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def _clip(text: str, width: float, size: float = FONT) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _attrs(**attrs) -> str:
    return "".join(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attrs.items()
                   if value is not None)


def _el(tag: str, content: str = "", **attrs) -> str:
    return f"<{tag}{_attrs(**attrs)}>{content}</{tag}>" if content else f"<{tag}{_attrs(**attrs)}/>"


def _link(href: str, content: str, tooltip: str) -> str:
    inner = _el("title", escape(tooltip)) + content
    return _el("a", inner, href=href) if href else _el("g", inner)


def _svg(chart_id: str, title: str, width: float, height: float, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}"'
            f' width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" id="{escape(chart_id)}">')
    return Markup(head + _el("title", escape(title), id=f"{chart_id}-title") + "".join(body) + "</svg>")


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts = []
    for s in series:
        parts.append(_el("rect", x=f"{x:.1f}", y=f"{y - 10:.1f}", width="10", height="10", fill=s.color))
        parts.append(_el("text", escape(s.name), x=f"{x + 14:.1f}", y=f"{y:.1f}", font_size=FONT, fill=INK))
        x += 14 + text_width(s.name) + 16
    return parts


def bar_chart(chart_id: str, title: str, bars: list[Bar], series: list[Series], *, width: int = 560,
              empty: str = "") -> Markup:
    """Horizontal bars, one per row, each stacked from its segments (in series order), total at the end."""
    row, bar_h, top = 26, 16, 26 if len(series) > 1 else 6
    label_w = min(max((text_width(b.label) for b in bars), default=0) + 8, width * 0.35)
    total_w = text_width(str(max((b.total for b in bars), default=0))) + 8
    plot_x, plot_w = label_w, width - label_w - total_w
    biggest = max((b.total for b in bars), default=0) or 1
    body = _legend(series, label_w, 14) if len(series) > 1 else []
    if not bars:
        body.append(_el("text", escape(empty), x=f"{plot_x:.1f}", y=f"{top + 14}", font_size=FONT, fill=MUTED))
    for i, bar in enumerate(bars):
        y = top + i * row
        body.append(_el("text", escape(_clip(bar.label, label_w - 8)), x=f"{label_w - 6:.1f}", y=f"{y + 13}",
                        font_size=FONT, fill=INK, text_anchor="end"))
        x = plot_x
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            w = plot_w * seg.value / biggest
            rect = _el("rect", x=f"{x:.1f}", y=f"{y + 1}", width=f"{max(w, 1):.1f}", height=bar_h,
                       fill=series[seg.series].color)
            body.append(_link(seg.href, rect, f"{bar.label} · {series[seg.series].name}：{seg.value}"))
            x += w
        body.append(_el("text", str(bar.total), x=f"{x + 4:.1f}", y=f"{y + 13}", font_size=FONT, fill=MUTED))
    height = top + max(len(bars), 1) * row + 4
    return _svg(chart_id, title, width, height, body)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above value, with ticks every quarter (steps 1–5, 10–50, 100–500 …)."""
    magnitude = 1
    while True:
        for m in (1, 2, 3, 4, 5):
            if m * magnitude * 4 >= value:
                return m * magnitude * 4
        magnitude *= 10


def line_chart(chart_id: str, title: str, labels: list[str], lines: list[Line], *, sublabels: list[str] | None = None,
               width: int = 720, height: int = 240) -> Markup:
    """A line per series over the labelled x positions (e.g. months), with the y grid in quarters."""
    left, right, top, bottom = 36, 12, 26, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((p.value for line in lines for p in line.points), default=0))
    n = max(len(labels), 1)
    step = plot_w / n

    def px(i):
        return left + step * (i + 0.5)

    def py(v):
        return top + plot_h - plot_h * v / peak

    body = _legend([line.series for line in lines], left, 14)
    for k in range(5):
        value = peak * k // 4
        y = py(value)
        body.append(_el("line", x1=left, y1=f"{y:.1f}", x2=width - right, y2=f"{y:.1f}", stroke=GRID, stroke_width=1))
        body.append(_el("text", str(value), x=left - 4, y=f"{y + 4:.1f}", font_size=11, fill=MUTED,
                        text_anchor="end"))
    for i, label in enumerate(labels):
        body.append(_el("text", escape(label), x=f"{px(i):.1f}", y=f"{top + plot_h + 16}", font_size=11, fill=INK,
                        text_anchor="middle"))
        if sublabels and sublabels[i]:
            body.append(_el("text", escape(sublabels[i]), x=f"{px(i):.1f}", y=f"{top + plot_h + 30}", font_size=10,
                            fill=MUTED, text_anchor="middle"))
    for line in lines:
        coords = " ".join(f"{px(i):.1f},{py(p.value):.1f}" for i, p in enumerate(line.points))
        body.append(_el("polyline", points=coords, fill="none", stroke=line.series.color, stroke_width=2))
        for i, p in enumerate(line.points):
            dot = _el("circle", cx=f"{px(i):.1f}", cy=f"{py(p.value):.1f}", r=4, fill=line.series.color)
            label = labels[i] if not sublabels or not sublabels[i] else f"{sublabels[i]}{labels[i]}"
            body.append(_link(p.href, dot, f"{label} · {line.series.name}：{p.value}"))
    return _svg(chart_id, title, width, height, body)


def rank_chart(chart_id: str, title: str, labels: list[str], ranks: list[int | None], counts: list[int],
               cards: list[bool], *, width: int = 720, height: int = 220, tooltip_rank: str = "{label}: {rank}/{count}",
               tooltip_none: str = "{label}: —") -> Markup:
    """Rank per period (1 at the top, down to the largest board size), a gap where unranked, 黄牌 in orange."""
    left, right, top, bottom = 36, 12, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    worst = max([c for c in counts if c] + [r for r in ranks if r] + [2])
    n = max(len(labels), 1)
    step = plot_w / n

    def px(i):
        return left + step * (i + 0.5)

    def py(rank):
        return top + plot_h * (rank - 1) / (worst - 1)

    body = []
    for value in sorted({1, (worst + 1) // 2, worst}):
        y = py(value)
        body.append(_el("line", x1=left, y1=f"{y:.1f}", x2=width - right, y2=f"{y:.1f}", stroke=GRID, stroke_width=1))
        body.append(_el("text", str(value), x=left - 4, y=f"{y + 4:.1f}", font_size=11, fill=MUTED, text_anchor="end"))
    for i, label in enumerate(labels):
        body.append(_el("text", escape(label), x=f"{px(i):.1f}", y=f"{top + plot_h + 18}", font_size=11, fill=INK,
                        text_anchor="middle"))
    segment: list[str] = []
    for i, rank in enumerate(ranks + [None]):
        if rank is not None:
            segment.append(f"{px(i):.1f},{py(rank):.1f}")
            continue
        if len(segment) > 1:
            body.append(_el("polyline", points=" ".join(segment), fill="none", stroke=BLUE, stroke_width=2))
        segment = []
    for i, rank in enumerate(ranks):
        if rank is None:
            body.append(_link("", _el("text", "—", x=f"{px(i):.1f}", y=f"{top + plot_h / 2:.1f}", font_size=11,
                                      fill=MUTED, text_anchor="middle"),
                              tooltip_none.format(label=labels[i])))
            continue
        dot = _el("circle", cx=f"{px(i):.1f}", cy=f"{py(rank):.1f}", r=5 if cards[i] else 4,
                  fill=ORANGE if cards[i] else BLUE)
        body.append(_link("", dot, tooltip_rank.format(label=labels[i], rank=rank, count=counts[i])))
    return _svg(chart_id, title, width, height, body)
