"""Great Expectations Data Docs that work offline: no CDN, no script, every table in the page.

GX renders its pages for a browser online: Bootstrap, jQuery and bootstrap-table come
from CDNs and the index's tables are filled by JavaScript, so offline the index is
empty and every page unstyled. After GX has built the site, each page loses its
remote stylesheets, scripts and images, the index's tables are written out as plain
HTML rows from the data GX embedded, and a small stylesheet is inlined.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Callable
from pathlib import Path

_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>.*?</script>", re.I | re.S)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']https?://[^>]*>", re.I)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc=[\"']https?://[^>]*>", re.I | re.S)
_REMOTE_CSS_URL = re.compile(r"url\(['\"]?https?://[^)]*\)", re.I)
_TABLE_SCRIPT = re.compile(
    r"\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\(.*?columns:\s*(?P<columns>\[.*?\]),\s*"
    r"data:\s*(?P<data>\[.*?\]),\s*toolbar", re.S)
_TOOLBAR_BUTTON = re.compile(r"<button\b[^>]*clearTableFilters[^>]*>.*?</button>", re.S)

STYLE = """<style>
body { font-family: Arial, Helvetica, sans-serif; color: #222; margin: 0 auto; max-width: 1100px;
       padding: 12px 24px 60px 24px; font-size: 14px; line-height: 1.45; }
a { color: #1a3d6d; }
table { border-collapse: collapse; margin: 6px 0 14px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
.cooltip .top, .popover, .collapse:not(.show), #ge-cta-footer, footer { display: none; }
.text-success { color: #2e7d32; } .text-danger { color: #b71c1c; }
.ge-success-icon::before { content: "\\2714"; color: #2e7d32; }
.ge-failed-icon::before, .fa-times::before { content: "\\2716"; color: #b71c1c; }
ol.breadcrumb, ul.nav { list-style: none; padding: 0; display: flex; gap: 12px; }
.card { border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
</style>"""


def make_offline(site: Path) -> list[Path]:
    """Rewrite every page of a built Data Docs site in place; returns the pages."""
    pages = sorted(Path(site).rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        page.write_text(offline_page(text), encoding="utf-8")
    for sheet in Path(site).rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(_REMOTE_CSS_URL.sub("none", text), encoding="utf-8")
    return pages


def _around(rows: str) -> Callable[[re.Match[str]], str]:
    """A replacement that puts `rows` between a table's opening and closing tags."""
    return lambda m: m[1] + rows + m[2]


def offline_page(text: str) -> str:
    """One page without anything remote, its script-built tables written out."""
    tables = {m["id"]: _rows(m["columns"], m["data"]) for m in _TABLE_SCRIPT.finditer(text)}
    for table_id, rows in tables.items():
        text = re.sub(rf"(<table\b[^>]*\bid=\"{re.escape(table_id)}\"[^>]*>)\s*(</table>)",
                      _around(rows), text, count=1)
    for pattern in (_REMOTE_SCRIPT, _INLINE_SCRIPT, _REMOTE_LINK, _REMOTE_IMG, _TOOLBAR_BUTTON):
        text = pattern.sub("", text)
    text = _REMOTE_CSS_URL.sub("none", text)
    return text.replace("</head>", STYLE + "\n</head>", 1)


def _rows(columns_literal: str, data_literal: str) -> str:
    """<thead> and <tbody> of one index table from the literals GX wrote for bootstrap-table."""
    try:
        columns = ast.literal_eval(columns_literal)
        data = ast.literal_eval(data_literal)
    except (SyntaxError, ValueError):
        return ""
    head = "".join(f"<th>{html.escape(str(c.get('title', c['field'])))}</th>" for c in columns)
    body = []
    for row in data:
        link = row.get("_table_row_link_path", "")
        linked = "run_time" if any(c["field"] == "run_time" for c in columns) else None
        cells = []
        for column in columns:
            value = str(row.get(column["field"], ""))  # GX's own markup, kept as it is
            if link and "<a " not in value and column["field"] in (linked, columns[0]["field"]):
                if linked is None or column["field"] == linked:
                    value = f'<a href="{html.escape(link)}">{value}</a>'
            cells.append(f"<td>{value}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
