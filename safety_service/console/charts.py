"""The statistics charts, drawn on the server as inline SVG with pygal (no scripts, no CDN)."""

import html
import re
from collections.abc import Mapping
from typing import Any

import pygal
from pygal.style import Style

from safety_service.api import headers
from safety_service.hazards.figures import Figures
from safety_service.i18n import Translator

STYLE = Style(background="white", plot_background="white", foreground="#1c1c1c", foreground_strong="#1c1c1c",
              foreground_subtle="#777", colors=("#1f3a5f", "#c0392b", "#e6a100", "#2e8b57", "#7a7a7a"),
              font_family='system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif',
              label_font_size=13, major_label_font_size=13, legend_font_size=13, title_font_size=16)
_OPTIONS: dict[str, Any] = {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 640,
                            "height": 340, "explicit_size": False, "print_values": False}


# pygal's config script, comments, and style attributes (the hidden tooltip's; console.css hides it instead)
_INLINE = re.compile(r"<script.*?</script>|<!--.*?-->| style=\"[^\"]*\"", re.DOTALL)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)


def _svg(chart: Any) -> str:
    """The chart's SVG without pygal's inline config script, comments and style attributes (the page runs no
    chart code, and its Content-Security-Policy allows no style attribute)."""
    return _INLINE.sub("", chart.render(is_unicode=True))


def policy(drawn: Mapping[str, str]) -> str:
    """The Content-Security-Policy of a page showing these charts: it allows their ``<style>`` elements (pygal
    scopes each chart's CSS by the chart's own random id, so they are hashed per drawing). Inside an inline
    ``<svg>`` a style element's text is parsed as markup, so the browser hashes it with ``&gt;`` read as ``>``."""
    return headers.policy(styles=[headers.source_hash(html.unescape(css)) for svg in drawn.values()
                                  for css in _STYLE.findall(svg)])


def _bars(title: str, rows: list[tuple[str, int]], *, horizontal: bool = False) -> str:
    # pygal measures labels as Latin text; a Chinese place name is wider, so the horizontal chart gets room.
    extra = {"margin_left": 6 * max((len(name) for name, _ in rows), default=0)} if horizontal else {}
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, show_legend=False, **extra, **_OPTIONS)
    chart.x_labels = [name for name, _ in rows]
    chart.add(title, [count for _, count in rows])
    return _svg(chart)


def bars(title: str, rows: list[tuple[str, float]]) -> str:
    """A plain bar chart: one bar per label."""
    return _bars(title, rows)  # type: ignore[arg-type]


def grouped(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """Bars side by side: one group per label, one colour per series (the legend under the chart)."""
    chart = pygal.Bar(title=title, x_label_rotation=30, legend_at_bottom=True,
                      legend_at_bottom_columns=min(max(len(series), 1), 4), **_OPTIONS)
    chart.x_labels = labels
    for name, counts in series.items():
        chart.add(name, counts)
    return _svg(chart)


def _weeks(figures: Figures) -> list[str]:
    return [week.strftime("%m-%d") for week in figures.weeks]


def stacked(title: str, labels: list[str], series: dict[str, list[int]]) -> str:
    """A stacked bar chart: one bar per label, one colour per series."""
    # The legend goes under the chart, in a row: at pygal's default place, left of the plot, long names
    # (井口终端, 综采一队) ran into the y axis's labels.
    chart = pygal.StackedBar(title=title, x_label_rotation=30, legend_at_bottom=True,
                             legend_at_bottom_columns=min(max(len(series), 1), 4), spacing=18, **_OPTIONS)
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
        "category": _bars(t("console.stats.by_category"), [(name or t("console.stats.no_category"), n)
                                                            for name, n in figures.open_by_category]),
        "grade": _bars(t("console.stats.by_grade"), grades),
        "locations": _bars(t("console.stats.top_locations"), figures.top_locations, horizontal=True),
        "channel": by_channel, "overdue": _svg(overdue),
        "report_type": _bars(t("console.stats.by_report_type"), [
            (t(f"console.report_type.{kind}") if kind != "none" else t("console.stats.no_report_type"), n)
            for kind, n in figures.open_by_report_type]),
    }
