"""Server-rendered SVG charts (pygal), made safe for the app's CSP.

pygal writes a ``<script>`` with its config, an inline ``<style>`` and a ``style=""`` on its
tooltip layer; the CSP (``default-src 'self'``, no inline script or style) would block them and
log console errors. Each chart is rendered with ``js=[]`` and then cleaned: scripts, style
elements, style attributes and the (script-driven) tooltip layer are removed, and the look comes
from static/css/reports.css instead. The SVG is inlined with role="img" and a label; the data
table beside each chart carries the same figures for screen readers and for print.
"""

from __future__ import annotations

import functools
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    import pygal


def _pygal() -> Any:
    """pygal, imported on the first chart (0.1 s off every start: only report pages draw)."""
    import pygal  # noqa: PLC0415

    # pygal appends a legacy meta-path finder for its map plugins (unused here). It has no
    # find_spec, so every failed import anywhere in the process afterwards raises an
    # ImportWarning (an error under the test suite's filterwarnings); take it out again.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


_CONFIG = {
    "js": [],
    "css": [],
    "disable_xml_declaration": True,
    "no_prefix": True,
    "explicit_size": False,
    "width": 720,
    "height": 340,
    "legend_at_bottom": True,
    "print_values": False,
    "show_y_guides": True,
    "truncate_legend": -1,
    "tooltip_border_radius": 0,
}


def clean_svg(root: ET.Element, label: str) -> str:
    """Strip what the CSP forbids from pygal's tree and label the chart; returns the SVG markup.

    Works on the tree pygal built (``render_tree``), so the chart is serialized once rather
    than written out, parsed back and written again (a seventh of a chart's time).
    """
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag is ET.Comment:
                parent.remove(child)
                continue
            tag = str(child.tag).rsplit("}", 1)[-1]
            classes = (child.get("class") or "").split()
            if tag in {"script", "style"} or "tooltip-overlay" in classes:
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "chart-svg")
    root.attrib.pop("id", None)
    return ET.tostring(root, encoding="unicode")


def _render(chart: pygal.graph.graph.Graph, label: str) -> Markup:
    # The output is pygal's, cleaned above, with labels escaped by ElementTree: safe to inline.
    return Markup(clean_svg(chart.render_tree(), label))  # noqa: S704


Series = Sequence[tuple[str, Sequence[float | None]]]


def bars(
    title: str,
    x_labels: Sequence[str],
    series: Series,
    stacked: bool = False,
    horizontal: bool = False,
) -> Markup:
    """A (stacked / horizontal) bar chart; None values (suppressed) are drawn as gaps."""
    kind = "stacked" if stacked else ("horizontal" if horizontal else "bar")
    return _chart(kind, title, tuple(x_labels), _frozen(series))


def lines(title: str, x_labels: Sequence[str], series: Series) -> Markup:
    """A line chart (measure trends); None values are gaps."""
    return _chart("line", title, tuple(x_labels), _frozen(series))


def _frozen(series: Series) -> tuple[tuple[str, tuple[float | None, ...]], ...]:
    return tuple((str(name), tuple(values)) for name, values in series)


# pygal's chart class for each kind, by name (pygal itself is imported on the first chart).
KINDS = {"bar": "Bar", "stacked": "StackedBar", "horizontal": "HorizontalBar", "line": "Line"}


@functools.lru_cache(maxsize=128)
def _chart(
    kind: str,
    title: str,
    x_labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float | None, ...]], ...],
) -> Markup:
    # A chart is a pure function of its title, labels and (already suppressed) values, so the
    # same figures in the same language are drawn once per process: a repeat view of a report
    # skips pygal (~40 ms a chart). Nothing of a person is in these arguments, only counts.
    options = {"allow_interruptions": True} if kind == "line" else {}
    chart = getattr(_pygal(), KINDS[kind])(title=title, **options, **_CONFIG)
    chart.x_labels = list(x_labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart, title)
