"""`kg viz`: write an interactive, self-contained HTML view of a graph.json (capped, focus, relation, label views).

Examples::

    kg viz out/graph.json --out whole.html --max-nodes 1500
    kg viz out/graph.json --out gsm8k.html --focus GSM8K --depth 2
    kg viz out/graph.json --out beats.html --relation OUTPERFORMS
    kg viz out/graph.json --out lineage.html --relation EXTENDS
    kg viz out/graph.json --out kd.html --focus "knowledge distillation" --depth 2 --relation EXTENDS
"""

from __future__ import annotations

import argparse

DESCRIPTION = (
    "Write an interactive HTML view of GRAPH_JSON (opens offline: vis-network is inlined). "
    "Views: the whole graph capped at --max-nodes (most connected nodes by PageRank; the page says what was "
    "left out), the ego network of --focus NAME (name, alias, paper title, arXiv id or node id) to --depth hops, "
    "and/or only some --relation types or node --label(s). --relation EXTENDS (lineage) and OUTPERFORMS (who beats "
    "whom) are laid out in layers read left to right, --focus views in rings around the focus. The page has a legend "
    "with filters (MENTIONS hidden until shown), a search box, neighbourhood highlight on click, a paper's card "
    "(introduces/uses/beats/extends with evidence) on click and hover cards with each edge's evidence."
)


def _split_choices(values: list[str] | None) -> list[str] | None:
    """Accept ``--relation A B``, ``--relation A --relation B`` and ``--relation A,B``."""
    if not values:
        return None
    out = [part.strip() for v in values for part in v.split(",") if part.strip()]
    return out or None


def register(sub) -> None:
    """Add the ``viz`` sub-command to the ``kg`` parser."""
    p = sub.add_parser("viz", help="interactive HTML view of a graph.json (focus, relation, capped views)",
                       description=DESCRIPTION)
    p.add_argument("graph_json", metavar="GRAPH_JSON", help="graph.json written by `kg build`")
    p.add_argument("--out", "-o", required=True, metavar="FILE.html", help="HTML file to write")
    p.add_argument("--max-nodes", type=int, default=2000, metavar="N",
                   help="keep at most N nodes, most connected first (0: no cap; default: %(default)s)")
    p.add_argument("--focus", metavar="NAME", help="show the neighbourhood of this entity or paper")
    p.add_argument("--depth", type=int, default=1, metavar="K", help="hops around --focus (default: %(default)s)")
    p.add_argument("--relation", action="append", metavar="TYPE", nargs="+",
                   help="keep only these relation types: INTRODUCES USES OUTPERFORMS EXTENDS MENTIONS")
    p.add_argument("--label", action="append", metavar="LABEL", nargs="+",
                   help="keep only nodes with these labels: Paper Model Dataset Technique")
    p.add_argument("--title", help="page title (default: describes the view)")
    p.add_argument("--size-by", choices=("pagerank", "degree"), default="pagerank",
                   help="what node size shows (default: %(default)s)")
    p.set_defaults(func=run)


def _flatten(groups: list[list[str]] | None) -> list[str] | None:
    return _split_choices([v for group in groups for v in group]) if groups else None


def run(args: argparse.Namespace) -> int:
    """Load the graph, select the view, write the page; print a one-line summary unless ``-q``."""
    import json
    from pathlib import Path

    from kg.errors import KgError, OutputError
    from kg.io.graph_json import read_graph_json
    from kg.viz import write_graph_html

    path = Path(args.graph_json)
    if not path.is_file():
        raise KgError(f"{path}: no such file (expected a graph.json written by `kg build`)")
    try:
        G = read_graph_json(path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KgError(f"{path}: not valid JSON ({exc})") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KgError(f"{path}: not a node-link graph.json ({exc!r})") from exc
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise KgError(f"{out}: --out must name an .html file")
    try:
        stats = write_graph_html(
            G,
            out,
            max_nodes=args.max_nodes or None,
            focus=args.focus,
            depth=args.depth,
            relations=_flatten(args.relation),
            labels=_flatten(args.label),
            title=args.title,
            size_by=args.size_by,
        )
    except OSError as exc:
        raise OutputError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    if not getattr(args, "quiet", False):
        left = f"; {stats['cut_nodes']:,} nodes left out by --max-nodes {stats['max_nodes']}" if stats["cut_nodes"] else ""
        print(f"wrote {out}: {stats['nodes']:,} nodes, {stats['edges']:,} edges{left}")
    return 0
