"""A large file is checked in a second process while the importer writes: the process is
started for large files only, the file's own errors come back as the same errors, a checker
that dies stops the import rather than shortening it, the process is stopped whenever the
import stops, and an interrupted import resumes where it stopped — checked inline or in the
second process."""

from __future__ import annotations

import io
import subprocess
import threading
from contextlib import closing
from typing import Any

import pytest

from partage.core.errors import InvalidInput
from partage.services import transaction_import, transaction_import_process
from partage.services.transaction_import import ImportReport, import_report, import_transactions
from partage.services.transaction_import_check import Setup
from partage.services.transaction_views import stored_versions
from partage.storage.transactions_bulk import sqlite_stamp
from tests.conftest import Community
from tests.services.test_transaction_import import (
    as_csv,
    balances,
    check_worked_example,
    counts,
    six_rows,
    with_market_rules,
)


@pytest.fixture
def market(community: Community) -> Community:
    return with_market_rules(community)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The checking processes the import started, started by the real ``Popen``."""
    processes: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def spy(*args: Any, **kw: Any) -> subprocess.Popen[bytes]:
        process = real(*args, **kw)
        processes.append(process)
        return process

    monkeypatch.setattr(transaction_import_process.subprocess, "Popen", spy)
    return processes


def ended(processes: list[subprocess.Popen[bytes]]) -> bool:
    return all(p.poll() is not None for p in processes)


def run(c: Community, data: bytes, **kw: Any) -> ImportReport:
    return import_transactions(
        c.uow, actor=c.admin, stream=io.BytesIO(data), file_name="market.csv", now=c.clock(), **kw
    )


def sales(c: Community, n: int, *, start: int = 1) -> bytes:
    payee = f"member:{c.bruno.member.id}"
    lines = [
        f"S-{i},2026-03-02T10:00:00Z,1.00,EUR,producer,{payee},,," for i in range(start, start + n)
    ]
    return as_csv([]) + ("\n".join(lines) + "\n").encode()


def test_a_file_over_the_threshold_is_checked_in_a_second_process(
    market: Community, monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[bytes]]
) -> None:
    data = sales(market, 5)
    monkeypatch.setattr(transaction_import, "PROCESS_FROM_BYTES", len(data))
    report = run(market, data, batch=2)
    assert (report.posted, report.failed) == (5, 0)
    assert len(started) == 1
    assert started[0].args[1:] == ["-c", transaction_import_process.CHECKER]
    assert ended(started)


def test_a_smaller_file_is_checked_inline(
    market: Community, monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[bytes]]
) -> None:
    data = sales(market, 5)
    monkeypatch.setattr(transaction_import, "PROCESS_FROM_BYTES", len(data) + 1)
    report = run(market, data, batch=2)
    assert (report.posted, report.failed) == (5, 0)
    assert started == []


@pytest.mark.parametrize("in_process", [False, True])
def test_the_worked_example_checked_either_way(market: Community, in_process: bool) -> None:
    before = balances(market)
    report = run(market, as_csv(six_rows(market)), batch=2, check_in_process=in_process)
    check_worked_example(market, report, before)


@pytest.mark.parametrize("in_process", [False, True])
def test_a_broken_line_stops_the_import_after_the_batches_before_it(
    market: Community, in_process: bool, started: list[subprocess.Popen[bytes]]
) -> None:
    # A cell over the CSV reader's limit (128 KiB) cannot be read: the file is broken there.
    data = sales(market, 4) + b'S-5,2026-03-02,"' + b"x" * 200_000 + b'",EUR,producer,,,,\n'
    before = counts(market)
    with pytest.raises(InvalidInput) as caught:
        run(market, data, batch=2, check_in_process=in_process)
    assert caught.value.code == "import.unreadable"
    assert "broken CSV after row 4" in caught.value.message
    assert caught.value.field == "file"
    transactions, entries, _, imports, errors = counts(market)
    assert (transactions, entries, imports, errors) == (
        before[0] + 4,
        before[1] + 4,
        before[3] + 1,
        before[4],
    )
    assert (len(started), ended(started)) == (int(in_process), True)


@pytest.mark.parametrize("in_process", [False, True])
def test_an_interrupted_import_resumes_after_its_last_batch(
    market: Community, in_process: bool, started: list[subprocess.Popen[bytes]]
) -> None:
    class Killed(Exception):
        pass

    def kill_after_two_batches(position: int, _offset: int) -> None:
        if position >= 4:
            raise Killed

    before = balances(market)
    data = as_csv(six_rows(market))
    with pytest.raises(Killed):
        run(market, data, batch=2, check_in_process=in_process, progress=kill_after_two_batches)
    assert (len(started), ended(started)) == (int(in_process), True)
    with market.uow(readonly=True) as u:
        imports = u.transaction_imports.conn.exec_driver_sql(
            "SELECT id, position, status FROM transaction_imports"
        ).all()
    assert [(p, s) for _, p, s in imports] == [(4, "running")]
    again = run(market, data, batch=2, check_in_process=in_process)
    assert (again.id, again.resumed_at, again.read) == (imports[0][0], 4, 2)
    check_worked_example(market, again, before)
    with market.uow(readonly=True) as u:
        whole = import_report(u, actor=market.admin, import_id=again.id or 0)
    assert (whole.rows, whole.posted, whole.failed) == (6, 4, 2)


def test_a_checker_that_dies_stops_the_import_which_then_resumes(
    market: Community, started: list[subprocess.Popen[bytes]]
) -> None:
    # Batches of 500 rows outgrow a pipe's buffer: the checker is still at work after the
    # first batch, when it is killed.
    data = sales(market, 3_000)

    def kill_the_checker(position: int, _offset: int) -> None:
        if position == 500:
            started[0].kill()
            started[0].wait()

    with pytest.raises(RuntimeError, match="checking process stopped unexpectedly"):
        run(market, data, batch=500, check_in_process=True, progress=kill_the_checker)
    with market.uow(readonly=True) as u:
        stopped = u.transaction_imports.conn.exec_driver_sql(
            "SELECT position, posted, status FROM transaction_imports"
        ).one()
    assert tuple(stopped) == (500, 500, "running")
    again = run(market, data, batch=500, check_in_process=True)
    assert (again.resumed_at, again.posted, again.failed, again.status) == (500, 3_000, 0, "done")
    assert ended(started)


class _Unreadable(io.BytesIO):
    """A file whose reading fails after its first block (a disk error, a lost mount)."""

    def read(self, size: int | None = -1, /) -> bytes:
        if self.tell() > 0:
            raise OSError(5, "Input/output error")
        return super().read(size)


def test_a_file_that_cannot_be_read_stops_the_import_with_the_reading_error(
    market: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    with market.uow(readonly=True) as u:
        setup = Setup(
            currency=market.admin.organization.currency,
            members=u.transaction_imports.member_ids(market.admin.org_id),
            aliases={},
            versions=stored_versions(u, market.admin),
            stamp=sqlite_stamp,
        )
    monkeypatch.setattr(transaction_import_process, "_BLOCK", 1024)
    stream = _Unreadable(sales(market, 200))
    outcome: list[object] = []

    def check_all() -> None:
        try:
            batches = transaction_import_process.checked_batches(
                stream, setup, format="csv", skip=0, size=50, in_process=True
            )
            with closing(batches):
                outcome.extend(batches)
        except OSError as error:
            outcome.append(error)

    # In a thread of its own, so that a hang fails this test instead of the whole run.
    worker = threading.Thread(target=check_all, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the import hung on a file it could not read"
    assert isinstance(outcome[-1], OSError) and outcome[-1].errno == 5


def test_an_embedded_interpreter_checks_inline(
    market: Community, monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[bytes]]
) -> None:
    # Under uWSGI the interpreter's "executable" is the host's program, not Python.
    monkeypatch.setattr(transaction_import_process.sys, "executable", "/usr/bin/uwsgi")
    report = run(market, sales(market, 5), batch=2, check_in_process=True)
    assert (report.posted, report.failed, started) == (5, 0, [])
