"""Workshop mode: the workbench served to the room's network, behind a passcode.

`make workshop` (= ``python -m strategy_core.workshop``) starts Streamlit bound to the room's network
instead of 127.0.0.1, with the Host header checked against the machine's own names and addresses, XSRF
protection on and no error details sent to browsers. Every browser must give the passcode before any
page or data is sent, then a name once (the change log records who did what).

The passcode is kept as a salted scrypt hash (never the passcode itself) in a file beside the database
(``<db>.passcode``, git-ignored): set from $WORKBENCH_PASSCODE, or asked on the terminal on the first
start. Wrong tries are slowed down, per process, for everyone (`Throttle`).
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import os
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from strategy_core.errors import WorkbenchError
from strategy_core.store.store import is_url

ENV_MODE = "WORKBENCH_WORKSHOP"         # set by the launcher: the app asks for the passcode
ENV_PASSCODE = "WORKBENCH_PASSCODE"     # the passcode to set (the launcher hashes it; never stored plain)
PASSCODE_MIN = 6
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


ENV_PASSCODE_FILE = "WORKBENCH_PASSCODE_FILE"   # where the hash is kept, for a server's replicas
SERVER_PASSCODE = Path(__file__).resolve().parents[1] / "data" / "server.passcode"


def passcode_file(db: Path | str) -> Path:
    """Where the passcode hash of the database *db* is kept: $WORKBENCH_PASSCODE_FILE when set, else
    ``<db>.passcode`` beside a DuckDB file, or data/server.passcode for a server (every replica of
    `make team` reads the same file)."""
    if os.environ.get(ENV_PASSCODE_FILE):
        return Path(os.environ[ENV_PASSCODE_FILE])
    if is_url(str(db)):
        return SERVER_PASSCODE
    return Path(str(db) + ".passcode")


def hash_passcode(passcode: str, salt: bytes | None = None) -> dict:
    """A salted scrypt hash of *passcode*, as stored (JSON-ready)."""
    if len(passcode.strip()) < PASSCODE_MIN:
        raise WorkbenchError("workshop.error.short", min=PASSCODE_MIN)
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return {"scheme": "scrypt", **_SCRYPT, "salt": salt.hex(), "hash": digest.hex()}


def verify(passcode: str, stored: dict) -> bool:
    """Whether *passcode* matches *stored* (constant-time comparison)."""
    try:
        digest = hashlib.scrypt(str(passcode).encode("utf-8"), salt=bytes.fromhex(stored["salt"]), dklen=32,
                                n=int(stored["n"]), r=int(stored["r"]), p=int(stored["p"]))
        return hmac.compare_digest(digest.hex(), stored["hash"])
    except (KeyError, TypeError, ValueError):
        return False


def save(path: Path, passcode: str) -> None:
    """Store the hash of *passcode* at *path*, readable by its owner only (written whole, then renamed)."""
    data = json.dumps(hash_passcode(passcode))
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


def load(path: Path) -> dict | None:
    """The stored passcode hash at *path*; None when the file is missing, unreadable or not a scrypt hash."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("scheme") == "scrypt" else None


class Throttle:
    """Slows wrong passcodes down: after each wrong try the next check waits longer (1, 2, 4 … 30 s),
    for every browser of this process (guessing from many tabs does not help); a right one resets it."""

    def __init__(self, base: float = 1.0, ceiling: float = 30.0):
        self.base, self.ceiling = base, ceiling
        self._wrong = 0
        self._lock = threading.Lock()

    def delay(self) -> float:
        with self._lock:
            return 0.0 if self._wrong == 0 else min(self.ceiling, self.base * 2 ** (self._wrong - 1))

    def check(self, passcode: str, stored: dict, sleep=time.sleep) -> bool:
        sleep(self.delay())
        ok = verify(passcode, stored)
        with self._lock:
            self._wrong = 0 if ok else self._wrong + 1
        return ok


@dataclass(frozen=True)
class Plan:
    """Where workshop mode listens (address, port), the Host headers it accepts and the URLs to show the room."""
    address: str
    port: int
    hosts: list[str]
    urls: list[str]


def own_addresses() -> list[str]:
    """This machine's own names and IPv4 addresses (from its own name tables; nothing is sent)."""
    names = {"localhost", "127.0.0.1", socket.gethostname()}
    try:
        fqdn = socket.getfqdn()
        names.add(fqdn)
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            names.add(info[4][0])
    except OSError:
        pass
    return sorted(n for n in names if n)


def plan(address: str, port: int) -> Plan:
    """Where to listen and which Host headers to accept: *address* ('0.0.0.0' = every network of the
    machine), the machine's own names and addresses."""
    hosts = own_addresses()
    if address not in ("0.0.0.0", "::") and address not in hosts:
        hosts.append(address)
    shown = [h for h in hosts if h not in ("localhost", "127.0.0.1")] if address in ("0.0.0.0", "::") else [address]
    return Plan(address, port, hosts, [f"http://{h}:{port}" for h in shown or ["127.0.0.1"]])


def streamlit_args(p: Plan) -> list[str]:
    """Streamlit's command-line options for *p*: address, port, allowed hosts, XSRF protection on, no error details for
    browsers."""
    hosts = [a for h in p.hosts for a in ("--server.allowedHosts", h)]     # a list option: one flag a value
    return ["--server.address", p.address, "--server.port", str(p.port), *hosts,
            "--server.enableXsrfProtection", "true", "--server.enableCORS", "true",
            "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal"]


def set_passcode(pfile: Path, lang: str, *, new: bool = False) -> None:
    """Store the passcode hash in *pfile*: from $WORKBENCH_PASSCODE, else asked twice on the terminal when
    there is none yet or *new*; WorkbenchError when it cannot be set (no terminal, a mismatch, too short)."""
    from strategy_core.i18n import t
    given = os.environ.get(ENV_PASSCODE)
    if given:
        save(pfile, given)
    elif new or load(pfile) is None:
        if not sys.stdin.isatty():
            raise WorkbenchError("workshop.error.no_passcode", name=ENV_PASSCODE)
        first = getpass.getpass(t("workshop.cli.ask", lang, min=PASSCODE_MIN))
        if getpass.getpass(t("workshop.cli.again", lang)) != first:
            raise WorkbenchError("workshop.error.mismatch")
        save(pfile, first)


def main(argv: list[str] | None = None) -> int:
    """Set the passcode (from $WORKBENCH_PASSCODE, else asked twice on the terminal when there is none or
    ``--new-passcode``), then replace this process with Streamlit; returns 2 when the passcode cannot be set."""
    from strategy_core.i18n import lang_from_locale, t
    from strategy_core.store.store import default_location
    lang = lang_from_locale(os.environ.get("LANG"))
    ap = argparse.ArgumentParser(prog="python -m strategy_core.workshop", description=t("workshop.cli.desc", lang))
    ap.add_argument("--address", default=os.environ.get("WORKSHOP_ADDRESS", "0.0.0.0"),
                    help=t("workshop.cli.address", lang))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")))
    ap.add_argument("--new-passcode", action="store_true", help=t("workshop.cli.new_passcode", lang))
    args = ap.parse_args(argv)
    db = default_location()
    try:
        set_passcode(passcode_file(db), lang, new=args.new_passcode)
    except WorkbenchError as e:
        sys.stderr.write(e.text(lang) + "\n")
        return 2
    p = plan(args.address, args.port)
    print(t("workshop.cli.open", lang, urls="  ".join(p.urls)))
    env = {**os.environ, ENV_MODE: "1", "WORKBENCH_DB": str(db)}
    env.pop(ENV_PASSCODE, None)
    root = Path(__file__).resolve().parents[1]
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), *streamlit_args(p)]
    os.chdir(root)
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
