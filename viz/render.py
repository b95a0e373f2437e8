"""Render a ``Network`` (:mod:`viz.network`) into one self-contained, deterministic, injection-safe HTML file.

* Self-contained: vis-network's JS and CSS come from the copy bundled in the pyvis package and are
  inlined, as are the page's own script and style (``viz/static``); the page loads nothing at all,
  which a Content-Security-Policy with ``default-src 'none'`` enforces.
* Injection-safe: graph data goes into a ``<script type="application/json">`` block with ``<``, ``>``
  and ``&`` written as ``\\u003c`` etc., so no data can close the block; the page script reads it with
  ``JSON.parse`` and builds every card with ``textContent``. Text rendered by the template itself (page
  title, summary, names left out) is escaped by Jinja's autoescape. The CSP only allows the page's own
  inline scripts, by hash, so even a missed escape could not run injected script.
* Deterministic: JSON with sorted keys, no timestamps, no random ids.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources

from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

if TYPE_CHECKING:
    from kg.viz.network import Network

VIS_VERSION = "9.1.2"

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(data: object) -> str:
    """Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` element.

    Examples
    --------
    >>> print(json_for_script({"name": "</script><b>&"}))
    {"name":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _check_inline(name: str, text: str) -> str:
    """Refuse an asset that could terminate the element it is inlined in."""
    if re.search(r"</(script|style)", text, flags=re.IGNORECASE):
        raise ValueError(f"{name} contains a closing </script> or </style> and cannot be inlined")
    return text


@lru_cache(maxsize=None)
def vis_assets() -> tuple[str, str]:
    """Return (JS, CSS) of vis-network as bundled with pyvis, with the source-map reference removed."""
    pyvis = Path(find_spec("pyvis").submodule_search_locations[0])     # found, not imported (IPython etc.)
    lib = pyvis / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    return _check_inline("vis-network.min.js", js), _check_inline("vis-network.css", css)


@lru_cache(maxsize=None)
def page_assets() -> tuple[str, str]:
    """Return (JS, CSS) of the page itself, from ``viz/static``."""
    static = resources.files("kg.viz") / "static"
    js = (static / "kg-viz.js").read_text(encoding="utf-8")
    css = (static / "kg-viz.css").read_text(encoding="utf-8")
    return _check_inline("kg-viz.js", js), _check_inline("kg-viz.css", css)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("kg.viz", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _sha256_source(script: str) -> str:
    """CSP source expression allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(net: Network, *, title: str, stats: dict, meta: dict, cards: dict | None = None) -> str:
    """Return the HTML page of ``net``.

    Parameters
    ----------
    net:
        The network (nodes, edges, options): a :class:`viz.network.Network` or a pyvis ``Network``.
    title:
        Page title (text; escaped).
    stats:
        The view's statistics (:attr:`viz.view.View.stats`), shown in the header and exposed to scripts.
    meta:
        Legend data for the page script: label and relation styles with counts, and optionally the
        layout, label policy, relations hidden by default and the view's words (:func:`viz._page_meta`).
    cards:
        Paper-panel data by paper id (:func:`viz.panel.paper_panels`).
    """
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) if isinstance(options, str) else options,
        "stats": stats,
        "meta": meta,
        "cards": cards or {},
    }
    vis_js, vis_css = vis_assets()
    page_js, page_css = page_assets()
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256_source(vis_js)} {_sha256_source(page_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    template = _environment().get_template("graph.html.j2")
    return template.render(
        title=title,
        stats=stats,
        reading=meta.get("reading"),
        hidden=meta.get("hidden") or [],
        csp=csp,
        data_json=Markup(json_for_script(payload)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        page_js=Markup(page_js),
        page_css=Markup(page_css),
    )
