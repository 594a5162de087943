"""A large import's rows checked in a second process while the importer writes.

Guarantees:

* :func:`checked_batches` gives the same batches, in the same order, whether they are
  checked inline or in the second process (the same :class:`Checker` runs in both);
* the second process is a fresh interpreter (``python -c``) that runs this module only: it
  never runs the caller's script again, as ``multiprocessing``'s spawn would, and it is
  never a fork of a process that may hold threads and database connections;
* an error the file itself causes (a broken CSV line) is raised by the importer as the
  same :class:`DomainError`, after the batches before it; a file that cannot be read raises
  the reading error, as inline; a crash of the second process is an error, never a
  silently shorter import;
* the second process is stopped whenever the import stops — done, refused, or stopped by
  its caller, Ctrl-C included — once the generator is closed; it also ends by itself when
  the importer's end of its pipes goes away.

Messages cross the pipes as a length (8 bytes) and a payload. The importer sends the setup
(pickled: it holds core objects) then the file in blocks; the second process answers with
each batch as ``marshal`` bytes of plain tuples, about a tenth of what pickling the
checked objects would cost to read back.
"""

from __future__ import annotations

import io
import marshal
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Generator
from typing import IO, Any, BinaryIO

from partage.core import errors as domain_errors
from partage.core.errors import DomainError
from partage.services.transaction_import_check import (
    Checked,
    Record,
    RowError,
    Setup,
    inline_batches,
)

# Files at least this large (about 30,000 rows) are checked in a second process: starting
# it takes 0.12-0.16 s (importing the modules anew), which a file of one or two batches
# would not win back (docs/value-flows.md, "Performance").
PROCESS_FROM_BYTES = 2 * 1024 * 1024
CHECKER = "from partage.services.transaction_import_process import serve; serve()"
_BLOCK = 1024 * 1024  # bytes of the file sent at a time


def _send(out: IO[bytes], payload: bytes) -> None:
    out.write(len(payload).to_bytes(8, "little"))
    out.write(payload)
    out.flush()


def _receive(source: IO[bytes]) -> bytes:
    head = source.read(8)
    if len(head) < 8:
        raise EOFError
    size = int.from_bytes(head, "little")
    payload = source.read(size)
    if len(payload) < size:
        raise EOFError
    return payload


def checked_batches(
    stream: BinaryIO,
    setup: Setup,
    *,
    format: str,
    skip: int,
    size: int,
    in_process: bool,
) -> Generator[Checked]:
    """The batches of ``size`` rows of ``stream`` (after its first ``skip`` rows), each
    checked, in order: inline, or in a second process while the caller writes the one
    before. The header has been checked by the caller (:func:`read_rows`). Close the
    generator when done with it (``contextlib.closing``): that stops the second process
    even while an error raised in between is still held."""
    if not in_process or not _python_program():
        yield from inline_batches(stream, setup, format=format, skip=skip, size=size)
        return
    # The same modules as here, wherever this interpreter found them.
    path = os.pathsep.join(entry for entry in sys.path if entry)
    checker = subprocess.Popen(  # noqa: S603 — this interpreter, this module's code
        [sys.executable, "-c", CHECKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert checker.stdin is not None and checker.stdout is not None
    unread: list[BaseException] = []  # why the file itself could not be read, if it could not
    feeder: threading.Thread | None = None
    try:
        feeder = threading.Thread(
            target=_feed,
            args=(checker.stdin, pickle.dumps((setup, format, skip, size)), stream, unread),
            name="partage-import-feed",
            daemon=True,
        )
        feeder.start()
        while True:
            try:
                # Bytes our own child process wrote, never outside input.
                message = marshal.loads(_receive(checker.stdout))  # noqa: S302
            except EOFError:
                if unread:  # the feeder ended the file early: the reading error is the news
                    raise unread[0] from None
                raise RuntimeError("the import's checking process stopped unexpectedly") from None
            if message[0] == "done":
                return
            if message[0] == "error":
                raise _domain_error(message[1:])
            if message[0] == "crash":
                raise RuntimeError(f"the import's checking process failed: {message[1]}")
            _, last, read, offset, records, errors = message
            yield Checked(
                last,
                read,
                [Record._make(r) for r in records],
                {e[0]: RowError(*e) for e in errors},
                offset,
            )
    finally:
        if checker.poll() is None:
            checker.kill()
        checker.wait()
        # The feeder's next write fails once the process is gone; only then is the pipe
        # closed, never under a write.
        if feeder is not None:
            feeder.join()
        _close(checker.stdin)
        checker.stdout.close()


def _python_program() -> bool:
    """Whether this interpreter can be started again as a program: an embedded one (under
    uWSGI, mod_wsgi) has none, or names its host's, and checks inline."""
    return os.path.basename(sys.executable).lower().startswith("python")


def _feed(to: IO[bytes], start: bytes, stream: BinaryIO, unread: list[BaseException]) -> None:
    """Send the setup, then the file, then an empty block; stop early when the second
    process is gone. If the file cannot be read, keep why and close the pipe: the second
    process sees the file end, stops, and the importer raises the reading error."""
    try:
        _send(to, start)
        while True:
            try:
                block = stream.read(_BLOCK)
            except BaseException as error:  # raised again in the importer's thread
                unread.append(error)
                return
            if not block:
                break
            _send(to, block)
        _send(to, b"")
    except OSError:  # the second process is gone: the importer says why
        return
    finally:
        _close(to)


def _close(pipe: IO[bytes]) -> None:
    try:
        pipe.close()
    except OSError:  # what was left to flush had nobody to read it
        return


class _Received(io.RawIOBase):
    """The file as the second process receives it, read like a stream."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self.source = source
        self.block = memoryview(b"")
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.block and not self.ended:
            self.block = memoryview(_receive(self.source))
            self.ended = not self.block
        size = min(len(buffer), len(self.block))
        buffer[:size] = self.block[:size]
        self.block = self.block[size:]
        return size


def serve() -> None:
    """The second process: read the setup and the file from stdin, write each checked batch
    to stdout as plain tuples."""
    # Ctrl-C reaches the whole process group: the importer stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The messages own the real stdout; anything printed by accident goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    try:
        # Pickled by the importer that started this process, never outside input.
        setup, format, skip, size = pickle.loads(_receive(source))  # noqa: S301
        stream: Any = _Received(source)
        for checked in inline_batches(stream, setup, format=format, skip=skip, size=size):
            message = (
                "batch",
                checked.last,
                checked.read,
                checked.offset,
                [tuple(r) for r in checked.records],
                [(e.row, e.field, e.code, e.message) for e in checked.errors.values()],
            )
            _send(out, marshal.dumps(message))
        _send(out, marshal.dumps(("done",)))
    except DomainError as error:
        failure = (type(error).__name__, error.code, error.message, error.field, error.params)
        _send(out, marshal.dumps(("error", *failure)))
    except (BrokenPipeError, EOFError):  # the import stopped: nothing to report to
        return
    except Exception as error:
        # A fault of partage's own: the importer says what it was; the traceback goes to
        # stderr for whoever investigates.
        _send(out, marshal.dumps(("crash", f"{type(error).__name__}: {error}")))
        raise


def _domain_error(failure: tuple[Any, ...]) -> DomainError:
    name, code, message, field, params = failure
    kind = getattr(domain_errors, name, DomainError)
    if not (isinstance(kind, type) and issubclass(kind, DomainError)):
        kind = DomainError
    error: DomainError = kind(code, message, field, params=params)
    return error
