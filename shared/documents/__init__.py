"""Documents an office files and signs: HTML and CSS templates (Jinja2) rendered to PDF by WeasyPrint.

This is the one rendering path for every printable thing (notices, dossiers, reports, unit labels).
A service keeps its templates in a `templates/` folder of its own and extends `base.html.j2` from
here, which sets A4 pages, margins, page numbers and the Chinese font. An office adapts a document
by copying its template into DOCUMENT_TEMPLATES_DIR: that folder is searched first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from shared.clock import local_date
from shared.labels import zh
from shared.settings import get_settings

SHARED_TEMPLATES = Path(__file__).parent / "templates"


def _local_date(value: date | datetime | str | None) -> str:
    """A day as people read it (2026年11月30日), a moment in the zone's time zone first; ISO text
    (as frozen in a notice's context) is read first."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


def qr_svg(url: str, *, scale: int = 3) -> Markup:
    """A QR code of `url` as inline SVG, ready to place in a template."""
    import segno  # imported with the first document drawn, like WeasyPrint below

    return Markup(segno.make(url, error="m").svg_inline(scale=scale, border=2))


def web_link(path: str) -> str:
    """The web application's address of `path` (e.g. /hazards/<id>), for QR codes and links."""
    return get_settings().web_base_url.rstrip("/") + "/" + path.lstrip("/")


@cache
def environment(service_templates: Path) -> Environment:
    folders = [service_templates, SHARED_TEMPLATES]
    adapted = get_settings().document_templates_dir
    loaders = [FileSystemLoader(adapted)] if adapted else []
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader([str(f) for f in folders])]),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    env.filters["local_date"] = _local_date
    env.filters["zh"] = lambda code, kind: zh(kind, str(code))  # {{ h.grade | zh("hazard_grade") }}
    env.globals.update(qr_svg=qr_svg, web_link=web_link)
    return env


def render_html(service_templates: Path, template: str, context: Mapping[str, Any]) -> str:
    return environment(service_templates).get_template(template).render(**context)


def render_pdf(service_templates: Path, template: str, context: Mapping[str, Any]) -> bytes:
    """The PDF of `template` (found in the adapted folder, then the service's, then the shared one)."""
    from weasyprint import HTML  # imported on first use: it loads Pango, which the APIs rarely need

    html = render_html(service_templates, template, context)
    pdf: bytes = HTML(string=html, base_url=str(service_templates)).write_pdf()
    return pdf
