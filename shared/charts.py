"""Matplotlib set-up for pictures with Chinese text: a CJK font found by name, no display needed."""

import matplotlib

matplotlib.use("Agg")

import logging
from functools import lru_cache
from typing import Any

import structlog
from matplotlib import font_manager, pyplot
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


def new_figure(width: float, height: float, rows: int = 1, cols: int = 1) -> tuple[Figure, Any]:
    """A figure and its axes (one `Axes`, or an array of them when rows or cols > 1)."""
    font = cjk_font()
    if font:
        pyplot.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    pyplot.rcParams["axes.unicode_minus"] = False
    return pyplot.subplots(rows, cols, figsize=(width, height), dpi=100)
