"""Teams and the peer network.

Posts are grouped into teams of ``team_size_min`` to ``team_size_max`` posts. Everyone in a team is tied to
everyone else in it (team ties); on top, a random graph of cross-team ties is drawn with networkx
(``gnm_random_graph``, ties inside a team dropped). Ties belong to posts: a new hire takes over the ties of
the post they fill. The network is held as a symmetric CSR matrix for the weekly update.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp


def team_sizes(rng: np.random.Generator, n_posts: int, size_min: int, size_max: int) -> np.ndarray:
    """Sizes of teams, drawn uniformly in [size_min, size_max] until all posts are placed.

    A remainder smaller than ``size_min`` is merged into the last full team (which may then exceed
    ``size_max`` by less than ``size_min``); a service smaller than ``size_min`` is one team.
    """
    draws = rng.integers(size_min, size_max + 1, size=n_posts // max(size_min, 1) + 1)
    cum = np.cumsum(draws)
    n_full = int(np.searchsorted(cum, n_posts, side="right"))
    sizes = draws[:n_full].tolist()
    rest = n_posts - sum(sizes)
    if rest >= size_min or not sizes:
        sizes.append(rest)
    elif rest > 0:
        sizes[-1] += rest
    return np.array([s for s in sizes if s > 0], dtype=np.int64)


def team_of_post(sizes: np.ndarray) -> np.ndarray:
    """Team index of every post, posts numbered team by team."""
    return np.repeat(np.arange(sizes.size), sizes).astype(np.int32)


def peer_network(rng: np.random.Generator, team: np.ndarray, cross_team_ties: float) -> sp.csr_matrix:
    """Symmetric 0/1 adjacency of team ties plus random cross-team ties.

    Args:
        rng: the initialisation stream (seeds networkx).
        team: team index per post (posts of a team contiguous).
        cross_team_ties: mean cross-team ties per post.

    Returns:
        CSR matrix (n, n), float32 ones, no self-loops.

    References:
        Team cliques with random bridging ties, a common stylised structure of organisational networks
        (Hargreaves et al. 2013 on peer networks; Erdos-Renyi G(n, m) via networkx).
    """
    n = team.size
    sizes = np.bincount(team)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # team cliques without materialising a graph object: each post ties to every other post of its team
    rows = np.repeat(np.arange(n), sizes[team])
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(sizes[team]) - sizes[team], sizes[team])
    cols = starts[team[rows]] + offsets
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    n_cross = int(round(n * cross_team_ties / 2))
    if n_cross > 0 and n > 1:
        g = nx.gnm_random_graph(n, min(n_cross, n * (n - 1) // 2), seed=int(rng.integers(2**31 - 1)))
        e = np.array(g.edges(), dtype=np.int64).reshape(-1, 2)
        e = e[team[e[:, 0]] != team[e[:, 1]]]
        rows = np.concatenate([rows, e[:, 0], e[:, 1]])
        cols = np.concatenate([cols, e[:, 1], e[:, 0]])
    adj = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    return adj
