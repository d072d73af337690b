"""Matplotlib set-up for pictures with Chinese text: a CJK font found by name, no display needed.

Pictures are drawn by API threads and workers at the same time, so they use matplotlib's object
API only: each `Figure` has its own Agg canvas, never pyplot's global figure list or current axes.
The font settings are written once, at import, before any thread draws. Import this module
inside the function that draws: matplotlib and numpy take about 40 MB, which a process that never
draws a picture should not hold.
"""

import base64
import io
import logging
from functools import lru_cache
from typing import Any

import matplotlib
import structlog
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

log = structlog.get_logger(__name__)
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # weight fallbacks are harmless

# Debian's fonts-noto-cjk and fonts-wqy-zenhei, and common desktop fonts.
CJK_FONT_NAMES = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "SimHei", "Microsoft YaHei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    available = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONT_NAMES:
        if name in available:
            return name
    log.warning("charts.no_cjk_font", tried=CJK_FONT_NAMES, hint="install fonts-noto-cjk or fonts-wqy-zenhei")
    return None


def _configure_fonts() -> None:
    font = cjk_font()
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False


_configure_fonts()


def new_figure(width: float, height: float, rows: int = 1, cols: int = 1) -> tuple[Figure, Any]:
    """A figure on its own Agg canvas and its axes (one `Axes`, or an array of them when rows or
    cols > 1). Nothing global holds it: it is freed with its last reference."""
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(rows, cols)


def svg_data_uri(figure: Figure) -> str:
    """The figure as SVG (text drawn as outlines, so any renderer shows the Chinese), ready for
    `<img src=...>` in a document template."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
