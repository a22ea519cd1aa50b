"""Servers the serving tests start and stop: `peerkg serve`, an Oxigraph server and Virtuoso Open Source,
each on a free loopback port with a throwaway database. Every one is stopped by the fixture that started it.

Virtuoso is Debian's package `virtuoso-opensource`; like Chromium in test_docs.py, it is installed with apt-get
(as root, or through sudo without a password) when the machine does not have it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STARTUP_LIMIT_SECONDS = 60  # how long to wait for a server to listen; not an assertion on speed
VIRTUOSO = Path("/usr/bin/virtuoso-t")
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    """Polls `url` until it answers anything but a connection error (HTTP errors count as answers)."""
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer on {url} within {STARTUP_LIMIT_SECONDS}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def peerkg_serve(store: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`peerkg serve` (the real command, in a subprocess) on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "peerkg.cli", "serve", "--store", str(store),
                                "--port", str(port), *options], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/sparql?query=ASK%7B%7D", process, "peerkg serve")
        yield url, process
    finally:
        stop(process)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    assert found, "the oxigraph server binary is missing: pip install oxigraph (in the test extra)"
    return found


@contextmanager
def oxigraph_server(folder: Path, *options: str, port: int | None = None,
                    command: str = "serve") -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """An Oxigraph server on the database `folder`; yields its base URL (/store, /query, /update) and process."""
    port = port or free_port()
    process = subprocess.Popen([oxigraph_binary(), command, "--location", str(folder),
                                "--bind", f"127.0.0.1:{port}", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/query?query=ASK%7B%7D", process, "oxigraph")
        yield url, process
    finally:
        stop(process)


def apt_install(package: str) -> None:
    """Installs one of Debian's packages with apt-get (as root, or through sudo without a password): what a
    test needs and a fresh machine lacks (Chromium, Virtuoso) is installed by the tests themselves."""
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(f"{package} is missing and apt-get is not there to install it")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # the suite runs in two processes (pytest-xdist): one apt-get at a time, or dpkg's lock refuses the other
    with open(Path(tempfile.gettempdir()) / "peerkg-tests-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for command in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", package]):
            done = subprocess.run(prefix + command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.fail(f"could not install {package} ({' '.join(command)}): {done.stderr[-2000:]}")


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """Virtuoso Open Source with a new database in `folder` (user dba, password dba); yields its base URL
    (/sparql, /sparql-auth, /sparql-graph-crud-auth)."""
    if not VIRTUOSO.exists():
        apt_install("virtuoso-opensource")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, vsp=VIRTUOSO_VSP),
                   "utf-8")
    process = subprocess.Popen([str(VIRTUOSO), "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answering(url + "/sparql?query=ASK%7B%7D", process, "virtuoso")
        yield url
    finally:
        stop(process)
