"""The statistics charts, drawn on the server as inline SVG with pygal (no scripts, no CDN)."""

import re
from typing import Any

import pygal
from pygal.style import Style

from safety_service.console.figures import Figures
from safety_service.i18n import Translator

STYLE = Style(background="white", plot_background="white", foreground="#1c1c1c", foreground_strong="#1c1c1c",
              foreground_subtle="#777", colors=("#1f3a5f", "#c0392b", "#e6a100", "#2e8b57", "#7a7a7a"),
              font_family='system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif',
              label_font_size=13, major_label_font_size=13, legend_font_size=13, title_font_size=16)
_OPTIONS: dict[str, Any] = {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 640,
                            "height": 340, "explicit_size": False, "print_values": False}


_INLINE = re.compile(r"<script.*?</script>|<!--.*?-->", re.DOTALL)


def _svg(chart: Any) -> str:
    """The chart's SVG without pygal's inline config script and comments (the page runs no chart code)."""
    return _INLINE.sub("", chart.render(is_unicode=True))


def _bars(title: str, rows: list[tuple[str, int]], *, horizontal: bool = False) -> str:
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, show_legend=False, **_OPTIONS)
    chart.x_labels = [name for name, _ in rows]
    chart.add(title, [count for _, count in rows])
    return _svg(chart)


def _weeks(figures: Figures) -> list[str]:
    return [week.strftime("%m-%d") for week in figures.weeks]


def stacked(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """A stacked bar chart: one bar per label, one colour per series."""
    chart = pygal.StackedBar(title=title, x_label_rotation=30, **_OPTIONS)
    chart.x_labels = labels
    for name, counts in series.items():
        chart.add(name, counts)
    return _svg(chart)


def charts(figures: Figures, t: Translator) -> dict[str, str]:
    """Every chart of the page, as SVG text by name."""
    grades = [(t(f"console.grade.{g}") if g != "none" else t("console.none"), n) for g, n in figures.open_by_grade]
    by_channel = stacked(t("console.stats.by_channel"), _weeks(figures), {
        t(f"console.source.{channel}"): counts for channel, counts in figures.reports_by_channel.items()})
    overdue = pygal.Line(title=t("console.stats.overdue_trend"), show_legend=False, x_label_rotation=30, **_OPTIONS)
    overdue.x_labels = _weeks(figures)
    overdue.add(t("console.stats.overdue_trend"), figures.overdue_by_week)
    return {
        "category": _bars(t("console.stats.by_category"), figures.open_by_category),
        "grade": _bars(t("console.stats.by_grade"), grades),
        "locations": _bars(t("console.stats.top_locations"), figures.top_locations, horizontal=True),
        "channel": by_channel, "overdue": _svg(overdue),
    }
