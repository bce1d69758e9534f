"""Clusters as a function of the set of items: edges, connected components, canonical greedy.

An *edge* joins two items whose score reaches the floor they would be judged on and that pass
the pairwise checks (a `mirror` edge joins the two directions of one symmetric event: it never
merges them, it only keeps them in one component). Clustering is greedy in the canonical order
(`inputs.canonical`): each item joins the cluster it fits (`check`: fits with every member) whose
best edge to it clears the floor by the widest margin, the earliest cluster on a tie; else it
starts a cluster. The floor is the edge's `floor` when the item agrees with every member
(`check` again: participants named and compatible), else its `floor_unknown`. An item joins a
cluster only through an edge, so clustering all items equals clustering each connected component
on its own: a batch re-clusters only the components its new items touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from peninsula.records import Edge

__all__ = ["Graph", "greedy"]

_T = TypeVar("_T")


class Graph:
    """Undirected edges between item ids, each pair once."""

    def __init__(self, edges: Iterable[Edge] = ()) -> None:
        self.adjacent: dict[str, dict[str, Edge]] = {}
        for edge in edges:
            self.add(edge)

    def add(self, edge: Edge) -> None:
        self.adjacent.setdefault(edge.a, {})[edge.b] = edge
        self.adjacent.setdefault(edge.b, {})[edge.a] = edge

    def component(self, seed: str) -> set[str]:
        found = {seed}
        todo = [seed]
        while todo:
            for other in self.adjacent.get(todo.pop(), {}):
                if other not in found:
                    found.add(other)
                    todo.append(other)
        return found

    def components(self, seeds: Iterable[str]) -> list[set[str]]:
        """The components holding `seeds`, each once."""
        done: set[str] = set()
        found = []
        for seed in seeds:
            if seed not in done:
                component = self.component(seed)
                done |= component
                found.append(component)
        return found


def greedy(
    items: Sequence[_T],
    key: Callable[[_T], str],
    graph: Graph,
    check: Callable[[_T, _T], tuple[bool, bool]],
) -> list[list[_T]]:
    """The clusters of `items` (given in canonical order), each in canonical order; `check`
    says of two items whether they fit and whether they agree."""
    clusters: list[list[_T]] = []
    home: dict[str, int] = {}
    for item in items:
        name = key(item)
        links: dict[int, list[Edge]] = {}
        for other, edge in graph.adjacent.get(name, {}).items():
            if other in home and edge.kind != "mirror":
                links.setdefault(home[other], []).append(edge)
        best: int | None = None
        best_margin = 0.0
        for number in sorted(links):
            checked = [check(item, m) for m in clusters[number]]
            if not all(fit for fit, _ in checked):
                continue
            agree = all(agreed for _, agreed in checked)
            margin = max(e.score - (e.floor if agree else e.floor_unknown) for e in links[number])
            if margin >= 0 and (best is None or margin > best_margin):
                best, best_margin = number, margin
        if best is None:
            clusters.append([item])
            best = len(clusters) - 1
        else:
            clusters[best].append(item)
        home[name] = best
    return clusters


def members_by_id(items: Iterable[_T], key: Callable[[_T], str]) -> Mapping[str, _T]:
    return {key(i): i for i in items}
