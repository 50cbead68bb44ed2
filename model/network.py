"""Teams and the peer network.

Posts are grouped into teams of ``team_size_min`` to ``team_size_max`` posts. Everyone in a team is tied to
everyone else in it (team ties); on top, a random graph of cross-team ties is drawn with networkx
(``gnm_random_graph``, ties inside a team dropped). Ties belong to posts: a new hire takes over the ties of
the post they fill. The weekly update uses team membership for the team ties (a clique needs no matrix) and
a CSR matrix for the cross-team ties; :func:`peer_network` builds the whole network as one matrix. A peer
support programme adds cross-team ties among its members (:func:`programme_ties`), joined with :func:`union`.
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


def cross_team_ties(rng: np.random.Generator, team: np.ndarray, ties_per_post: float) -> sp.csr_matrix:
    """Random cross-team ties: an Erdos-Renyi G(n, m) graph from networkx with ties inside a team dropped.

    Args:
        rng: the initialisation stream (seeds networkx).
        team: team index per post.
        ties_per_post: mean cross-team ties per post (m = n * ties / 2 edges before dropping).

    Returns:
        symmetric CSR matrix (n, n) of float ones, no self-loops.

    References:
        Team cliques bridged by random ties, a stylised organisational network (Hargreaves et al. 2013 on
        peer networks); G(n, m) via ``networkx.gnm_random_graph``.
    """
    n = team.size
    n_cross = min(int(round(n * ties_per_post / 2)), n * (n - 1) // 2)
    rows = cols = np.zeros(0, dtype=np.int64)
    nx_seed = int(rng.integers(2**31 - 1))  # drawn even without ties, so later draws stay aligned
    if n_cross > 0:
        g = nx.gnm_random_graph(n, n_cross, seed=nx_seed)
        e = np.array(g.edges(), dtype=np.int64).reshape(-1, 2)
        e = e[team[e[:, 0]] != team[e[:, 1]]]
        rows, cols = np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]])
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))


def team_ties(team: np.ndarray) -> sp.csr_matrix:
    """Symmetric 0/1 matrix tying every post to every other post of its team (teams are cliques)."""
    n = team.size
    sizes = np.bincount(team)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    per_post = sizes[team]
    rows = np.repeat(np.arange(n), per_post)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(per_post) - per_post, per_post)
    cols = starts[team[rows]] + offsets
    keep = rows != cols
    return sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n))


def peer_network(team: np.ndarray, cross: sp.csr_matrix) -> sp.csr_matrix:
    """The whole peer network: team ties plus cross-team ties (0/1, symmetric)."""
    adj = (team_ties(team) + cross).tocsr()
    adj.data[:] = 1.0
    return adj


def programme_ties(seed: int, members: np.ndarray, ties_per_member: float, team: np.ndarray) -> sp.csr_matrix:
    """Random cross-team ties among the members of a peer support programme (G(n, m) over members, networkx).

    Ties between members of the same team are dropped (they are colleagues already).

    Args:
        seed: networkx seed (drawn from the initialisation stream whether or not there are members).
        members: bool mask of posts in the programme.
        ties_per_member: mean new ties per member (before dropping same-team pairs).
        team: team index per post.

    Returns:
        symmetric CSR matrix (n, n) of float ones over all posts, no self-loops.

    References:
        Structured peer support groups across teams (Shapiro & Galowitz 2016).
    """
    n = members.size
    idx = np.flatnonzero(members)
    k = idx.size
    m = min(int(round(k * ties_per_member / 2)), k * (k - 1) // 2)
    rows = cols = np.zeros(0, dtype=np.int64)
    if m > 0:
        g = nx.gnm_random_graph(k, m, seed=seed)
        e = idx[np.array(g.edges(), dtype=np.int64).reshape(-1, 2)]
        e = e[team[e[:, 0]] != team[e[:, 1]]]
        rows, cols = np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]])
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))


def union(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    """0/1 union of two tie matrices (a pair tied in both counts once)."""
    out = (a + b).tocsr()
    out.data[:] = 1.0
    return out
