"""An organization's cred on 100,000 contributions: the graph built and scored, and the whole
service from the database.

Generates an organization of 500 members over a year: 100,000 contributions (a third of them
git commits, one in five co-authored, each touching a few of 5,000 files; one in twenty
building on an earlier contribution), 2,000 accepted claims citing their work, and 12 closed
epochs of gifts. Times, in one run:

* the reference: CredRank alone (``partage.core.cred.credrank.credrank``) on the built graph
  — the walk every scoring needs, whatever builds the graph;
* building the graph from the records' columns (``partage.core.org_graph.build``);
* scoring it with the flows into every member-week (``org_graph.score``) and their cred;
* on a fresh SQLite database holding the same records, the whole ``org_cred`` service:
  reading the columns, building, scoring, labelling every source.

Checks that the members' cred from ``score`` equals the reference's, and that each member's
sources sum to their cred. Run: make bench.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from partage.core.community import LegalForm
from partage.core.cred.credrank import credrank
from partage.core.cred_sources import attributed
from partage.core.currency import iso_currency
from partage.core.org_graph import CredWeights, OrgRecords, build, score
from partage.core.roles import Role
from partage.services import org_cred
from partage.services.accounts import find_or_create_user
from partage.services.context import acting
from partage.services.organizations import create_organization
from partage.storage import tables as t
from partage.storage.database import make_engine
from partage.storage.migrate import upgrade
from partage.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FIRST = date(2025, 6, 1)
ACTIVITIES = ("animation", "accueil", "design", "code", "compta", "entretien")
EPOCH_DAY = date(1970, 1, 1).toordinal()


def generate(members: int, contributions: int, seed: int = 3) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            *("id", "member", "day", "activity", "hours", "key", "text", "link_c", "link_t"),
            *("claim_id", "claim_member", "claim_day", "cite_claim", "cite_c"),
            *("g_epoch", "g_giver", "g_receiver", "g_points", "g_day"),
        )
    }
    cid = 0
    commit = 0
    while cid < contributions:
        day = FIRST + timedelta(days=rng.randrange(365))
        author = rng.randrange(1, members + 1)
        if rng.random() < 1 / 3:
            commit += 1
            key = f"git:{commit:040x}"
            authors = {author}
            if rng.random() < 0.2:
                authors.add(rng.randrange(1, members + 1))
            files = {f"file:src/{rng.randrange(5000)}.py" for _ in range(rng.randint(1, 4))}
            for who in sorted(authors):
                cid += 1
                _row(rows, cid, who, day, "commit", -1, key, f"Commit {commit}")
                for f in sorted(files):
                    rows["link_c"].append(cid)
                    rows["link_t"].append(f)
        else:
            cid += 1
            activity = rng.choice(ACTIVITIES)
            _row(rows, cid, author, day, activity, rng.randint(25, 800), None, activity)
            if cid > 10 and rng.random() < 0.05:
                rows["link_c"].append(cid)
                rows["link_t"].append(f"contribution:{rng.randrange(1, cid)}")
    for claim in range(1, 2001):
        who = rng.randrange(1, members + 1)
        rows["claim_id"].append(claim)
        rows["claim_member"].append(who)
        rows["claim_day"].append(FIRST + timedelta(days=rng.randrange(365)))
        for c in {rng.randrange(1, cid + 1) for _ in range(rng.randint(1, 3))}:
            rows["cite_claim"].append(claim)
            rows["cite_c"].append(c)
    for epoch in range(1, 13):
        close = FIRST + timedelta(days=30 * epoch)
        for giver in rng.sample(range(1, members + 1), members // 2):
            for receiver in {rng.randrange(1, members + 1) for _ in range(4)} - {giver}:
                rows["g_epoch"].append(epoch)
                rows["g_giver"].append(giver)
                rows["g_receiver"].append(receiver)
                rows["g_points"].append(rng.randint(1, 25))
                rows["g_day"].append(close)
    return rows


def _row(
    rows: dict[str, list[Any]],
    cid: int,
    who: int,
    day: date,
    activity: str,
    hours: int,
    key: str | None,
    text: str,
) -> None:
    rows["id"].append(cid)
    rows["member"].append(who)
    rows["day"].append(day)
    rows["activity"].append(activity)
    rows["hours"].append(hours)
    rows["key"].append(key)
    rows["text"].append(text)


def records(rows: dict[str, list[Any]], members: int) -> OrgRecords:
    def i(name: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.asarray(rows[name], dtype=np.int64)

    def days(name: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.asarray([d.toordinal() - EPOCH_DAY for d in rows[name]], dtype=np.int64)

    return OrgRecords(
        member_ids=np.arange(1, members + 1, dtype=np.int64),
        contribution_ids=i("id"),
        contribution_members=i("member"),
        contribution_days=days("day"),
        activities=rows["activity"],
        hours_hundredths=i("hours"),
        source_keys=rows["key"],
        link_contributions=i("link_c"),
        link_targets=rows["link_t"],
        claim_ids=i("claim_id"),
        claim_members=i("claim_member"),
        claim_days=days("claim_day"),
        cite_claims=i("cite_claim"),
        cite_contributions=i("cite_c"),
        gift_epochs=i("g_epoch"),
        gift_givers=i("g_giver"),
        gift_receivers=i("g_receiver"),
        gift_points=i("g_points"),
        gift_points_per_member=np.full(len(rows["g_epoch"]), 100, dtype=np.int64),
        gift_days=days("g_day"),
    )


def timed(action: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def fill_database(path: Path, rows: dict[str, list[Any]], members: int) -> Any:
    """The same records in an organization of a fresh SQLite database; its admin acts."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    with uow() as u:
        user = find_or_create_user(
            u, email="admin@bench.example", display_name="Admin", password=None, now=NOW
        )
        admin = create_organization(
            u,
            name="Bench",
            slug="bench",
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user,
            founder_name="Member 1",
            now=NOW,
        )
    org = admin.org_id
    with engine.begin() as conn:
        conn.execute(
            t.members.insert(),
            [
                {
                    "organization_id": org,
                    "id": m,
                    "name": f"Member {m}",
                    "kind": "person",
                    "role": Role.MEMBER.value,
                    "joined_at": NOW,
                }
                for m in range(2, members + 1)
            ],
        )
        conn.execute(
            t.contributions.insert(),
            [
                {
                    "organization_id": org,
                    "id": c,
                    "member_id": m,
                    "activity": a,
                    "occurred_on": d,
                    "hours_hundredths": None if h < 0 else h,
                    "description": x,
                    "recorded_at": NOW,
                    "recorded_by": 1,
                    "source_key": k,
                }
                for c, m, d, a, h, k, x in zip(
                    rows["id"],
                    rows["member"],
                    rows["day"],
                    rows["activity"],
                    rows["hours"],
                    rows["key"],
                    rows["text"],
                    strict=True,
                )
            ],
        )
        conn.execute(
            t.contribution_links.insert(),
            [
                {"organization_id": org, "contribution_id": c, "target": x}
                for c, x in dict.fromkeys(zip(rows["link_c"], rows["link_t"], strict=True))
            ],
        )
        conn.execute(
            t.rounds.insert().values(
                organization_id=org,
                id=1,
                name="Année",
                envelope=0,
                window_seconds=604800,
                policy="pro_rata",
                unspent_rule="return",
                status="closed",
                opened_at=NOW,
                opened_by=1,
                closed_at=NOW,
                closed_by=1,
            )
        )
        conn.execute(
            t.claims.insert(),
            [
                {
                    "organization_id": org,
                    "id": k,
                    "round_id": 1,
                    "origin_round_id": 1,
                    "member_id": m,
                    "amount": 0,
                    "justification": f"Claim {k}",
                    "disposition": "waive",
                    "declared_at": NOW,
                    "window_ends_at": NOW,
                    "settled_in_round": 1,
                    "granted": 0,
                }
                for k, m in zip(rows["claim_id"], rows["claim_member"], strict=True)
            ],
        )
        conn.execute(
            t.claim_contributions.insert(),
            [
                {"organization_id": org, "claim_id": k, "contribution_id": c}
                for k, c in zip(rows["cite_claim"], rows["cite_c"], strict=True)
            ],
        )
        for epoch in range(1, 13):
            conn.execute(
                t.epochs.insert().values(
                    organization_id=org,
                    id=epoch,
                    name=f"Epoch {epoch}",
                    points_per_member=100,
                    blinded=False,
                    budget=0,
                    fund="commons",
                    status="closed",
                    opened_at=NOW,
                    opened_by=1,
                    closed_at=datetime.combine(
                        FIRST + timedelta(days=30 * epoch), datetime.min.time(), UTC
                    ),
                    closed_by=1,
                )
            )
        conn.execute(
            t.epoch_gifts.insert(),
            [
                {
                    "organization_id": org,
                    "epoch_id": e,
                    "giver_id": g,
                    "receiver_id": r,
                    "points": p,
                }
                for e, g, r, p in zip(
                    rows["g_epoch"],
                    rows["g_giver"],
                    rows["g_receiver"],
                    rows["g_points"],
                    strict=True,
                )
            ],
        )
    with uow(readonly=True) as u:
        actor = acting(u, slug="bench", user_id=user)
    return uow, actor


def main(members: int = 500, contributions: int = 100_000) -> None:
    rows = generate(members, contributions)
    recs = records(rows, members)
    weights = CredWeights()

    built, build_s = timed(lambda: build(recs, weights))
    scored, score_s = timed(lambda: score(built))
    totals = scored.per_week.sum(axis=1)
    shares, attribute_s = timed(lambda: attributed(scored.inflows, totals))
    reference, reference_s = timed(
        lambda: credrank(built.graph, built.params, built.starts, built.end)
    )
    assert np.allclose(reference.totals(), totals, rtol=1e-12, atol=1e-15)
    per_member = np.bincount(scored.inflows.participant, weights=shares, minlength=members)
    assert np.allclose(per_member, totals, rtol=1e-9)
    graph = built.graph
    ours = build_s + score_s + attribute_s
    print(
        f"{contributions:,} contributions, {members} members, {len(built.starts)} weeks: "
        f"graph of {len(graph.ids):,} nodes and {len(graph.src):,} edges; "
        f"{scored.steps} steps of the walk"
    )
    print(
        f"  core: build {build_s:.2f} s + score with sources {score_s:.2f} s + attribute "
        f"{attribute_s:.2f} s = {ours:.2f} s; reference CredRank alone {reference_s:.2f} s; "
        f"ratio {ours / reference_s:.2f}; same cred"
    )

    with tempfile.TemporaryDirectory() as folder:
        uow, actor = fill_database(Path(folder) / "bench.db", rows, members)
        with uow(readonly=True) as u:
            found, service_s = timed(lambda: org_cred.org_cred(u, actor=actor))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sources = sum(len(m.sources) for m in found.members)
    for m in found.members:
        assert abs(sum(s.cred for s in m.sources) - m.cred) <= 1e-9 * max(m.cred, 1e-300)
    print(
        f"  service on SQLite (read, build, score, {sources:,} labelled sources): "
        f"{service_s:.2f} s; process peak memory {peak / 2**20:.0f} MiB (generation included); "
        f"ratio to the reference walk {service_s / reference_s:.2f}"
    )


if __name__ == "__main__":
    main()
