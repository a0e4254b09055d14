"""A real server and a real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_process(cmd: list[str], *, port: int, env: dict[str, str], cwd: Path, log_path: Path):
    """Run a Streamlit server (*cmd*) until its health check answers; yields (base URL, process)."""
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 240
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the server did not start: " + log_path.read_text())
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def server(db_path: Path, port: int | None = None, *, workshop_passcode: str | None = None):
    """`streamlit run app.py` on 127.0.0.1 with WORKBENCH_DB=db_path; yields the base URL. With
    *workshop_passcode*: started as `make workshop` does (the launcher), but on 127.0.0.1."""
    port = port or free_port()
    env = {**os.environ, "WORKBENCH_DB": str(db_path)}
    if isinstance(db_path, str):            # a server's URL ($WORKBENCH_TEST_PG): logs and passcode in a temp folder
        folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
        env["WORKBENCH_PASSCODE_FILE"] = str(folder / "server.passcode")
        db_path = folder / "server.duckdb"  # (only names the log below)
    if workshop_passcode is None:
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.port", str(port), "--server.headless", "true"]
    else:
        env["WORKBENCH_PASSCODE"] = workshop_passcode
        cmd = [sys.executable, "-m", "strategy_core.workshop", "--address", "127.0.0.1", "--port", str(port)]
    with streamlit_process(cmd, port=port, env=env, cwd=ROOT,
                           log_path=db_path.with_suffix(f".server-{port}.log")) as (url, _):
        yield url


@contextmanager
def browser(locale: str = "en-US", height: int = 1080):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = b.new_context(viewport={"width": 1920, "height": height}, locale=locale)
        ctx.set_default_timeout(30_000)
        try:
            yield ctx.new_page()
        finally:
            ctx.close()
            b.close()


RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'


def settle(page, extra_ms: int = 400) -> None:
    """Wait for the rerun an interaction starts (if it has not already finished), then for its end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_selector(RUNNING, timeout=1500)
    except PlaywrightTimeout:
        pass  # the run was quicker than we could look, or there was none
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_timeout(extra_ms)
    page.wait_for_selector(IDLE, timeout=30_000)
