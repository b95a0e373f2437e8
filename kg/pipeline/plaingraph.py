"""The part of a NetworkX ``MultiDiGraph`` that graph.json and graph.graphml are written from, without networkx.

Importing networkx takes about a tenth of a second, a sizeable share of a small ``kg build --update``. A build
that writes only graph.json and graph.graphml (``--no-html``) runs no NetworkX algorithm on its graph: the graph
step adds nodes and edges, and the writers (``kg.io.graph_files``) read the graph's ``graph``, ``_node`` and
``_adj`` dicts. ``PlainGraph`` keeps those three dicts, filled as ``networkx.MultiDiGraph`` fills them (attribute
dicts in the order given, a second ``add_node`` updating the first, an edge's endpoints made nodes), so the files
are the same bytes. Whatever needs a real graph (graph.html, the API, other writers) gets a ``MultiDiGraph``
(``kg.pipeline.graph.graph_nodes``).

>>> G = PlainGraph()
>>> G.add_node("p", label="Paper")
>>> G.add_edge("p", "e", key="USES|p", type="USES")
'USES|p'
>>> G.has_edge("p", "e", "USES|p"), G.has_edge("e", "p", "USES|p"), list(G.nodes(data=True))
(True, False, [('p', {'label': 'Paper'}), ('e', {})])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any


class PlainGraph:
    """Nodes with attribute dicts and keyed directed edges, stored as ``networkx.MultiDiGraph`` stores them:
    ``_node[n]`` the attributes of node ``n``, ``_adj[u][v][key]`` those of an edge, ``graph`` the graph's own."""

    def __init__(self) -> None:
        self.graph: dict[str, Any] = {}
        self._node: dict[Hashable, dict[str, Any]] = {}
        self._adj: dict[Hashable, dict[Hashable, dict[Hashable, dict[str, Any]]]] = {}

    def add_node(self, n: Hashable, **attr: Any) -> None:
        """Add node ``n`` with ``attr``, or update the attributes of an existing one."""
        if n in self._node:
            self._node[n].update(attr)
        else:
            self._adj[n] = {}
            self._node[n] = dict(attr)

    def add_edge(self, u: Hashable, v: Hashable, key: Hashable, **attr: Any) -> Hashable:
        """Add (or update) the edge ``u -> v`` named ``key``; endpoints not yet nodes become nodes. Returns ``key``."""
        for n in (u, v):
            if n not in self._node:
                self.add_node(n)
        self._adj[u].setdefault(v, {}).setdefault(key, {}).update(attr)
        return key

    def has_edge(self, u: Hashable, v: Hashable, key: Hashable) -> bool:
        """Whether the edge ``u -> v`` named ``key`` is in the graph."""
        return key in self._adj.get(u, {}).get(v, {})

    def nodes(self, data: bool = False) -> Iterable:
        """The node ids, or (id, attributes) pairs with ``data``, in the order they were added."""
        return self._node.items() if data else iter(self._node)
