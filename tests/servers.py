"""Real servers for tests, started in temporary folders on free 127.0.0.1 ports: PostgreSQL
(from the Debian packages in /usr/lib/postgresql/*/bin) and Chroma (`chroma run` from the venv).

Where one cannot be started the test is skipped with the reason; a test that passes
`required=True` fails instead when the environment says CI=true, so a CI run cannot pass by
skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unavailable(reason: str, *, required: bool = False):
    """Skip with the reason, or fail when the test is required to run here (CI=true)."""
    if required and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this test must run, not be skipped)")
    pytest.skip(reason)


def _pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


@contextmanager
def postgres(*, required: bool = False) -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its SQLAlchemy URL (user camnang, database postgres)."""
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed", required=required)
    bindir = _pg_bin()
    if bindir is None:
        unavailable(
            "PostgreSQL server not installed (apt-get install postgresql)", required=required
        )
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="camnang-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            shutil.rmtree(root, ignore_errors=True)
            unavailable("running as root without runuser", required=required)
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "camnang",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-w",
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = (exc.stderr or b"").decode(errors="replace").strip()[-300:]
        unavailable(f"PostgreSQL could not be started: {detail}", required=required)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=camnang dbname=postgres").close()
                break
            except psycopg.OperationalError:
                time.sleep(0.3)
        yield f"postgresql+psycopg://camnang@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def chroma_cli() -> Path | None:
    """The `chroma` command installed beside this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "chroma"
    if beside.exists():
        return beside
    found = shutil.which("chroma")
    return Path(found) if found else None


@contextmanager
def chroma(*, required: bool = False) -> Iterator[str]:
    """A Chroma server (`chroma run`) on an empty folder; yields its URL."""
    cli = chroma_cli()
    if cli is None:
        unavailable("the chroma command is not installed (pip install chromadb)", required=required)
    root = Path(tempfile.mkdtemp(prefix="camnang-chroma-"))
    port = free_port()
    log = open(root / "log", "wb")  # noqa: SIM115 (closed below, after the process)
    proc = subprocess.Popen(
        [str(cli), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                tail = (root / "log").read_text(errors="replace")[-500:]
                unavailable(f"chroma run exited with {proc.returncode}: {tail}", required=required)
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                unavailable("chroma run did not answer within 60 s", required=required)
            time.sleep(0.2)
        yield url
    finally:
        stop_process(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if the process has not stopped within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
