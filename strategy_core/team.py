"""`make team`: the workbench as a team server — PostgreSQL plus several Streamlit replicas on one machine.

What it does, in order (every step is skipped when already done, so running it again just starts it):
a PostgreSQL cluster in a git-ignored folder (Debian's ``postgresql`` package; it listens on a Unix
socket in that folder only, never on the network), the database, the schema (migrated once, under the
advisory lock), the passcode (as `make workshop` sets it: every replica asks for it), one cookie secret
shared by every replica, then N replicas on consecutive ports. It prints the URLs and how to put a
reverse proxy with sticky sessions in front (README, "The team server"), and stops the replicas and the
cluster on Ctrl-C.

The settings come from the environment: TEAM_REPLICAS (2), PORT (8501: the first replica), TEAM_ADDRESS
(127.0.0.1 — the proxy runs on this machine), TEAM_DIR (data/pg), TEAM_PG_PORT (5433), TEAM_DB (workbench).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from strategy_core import workshop
from strategy_core.errors import WorkbenchError
from strategy_core.i18n import lang_from_locale, t
from strategy_core.store import pg
from strategy_core.store.store import Store

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Team:
    """Where the cluster lives and what the replicas listen on."""
    folder: Path          # the cluster's data, its socket, its log, the cookie secret and the passcode
    pg_port: int
    database: str
    replicas: int
    first_port: int
    address: str

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "run"

    @property
    def url(self) -> str:
        """The replicas' $WORKBENCH_DB: the database over the cluster's own socket."""
        return f"postgresql:///{self.database}?host={self.socket_dir}&port={self.pg_port}&user=postgres"

    @property
    def ports(self) -> list[int]:
        return [self.first_port + i for i in range(self.replicas)]


def from_env(env: dict[str, str]) -> Team:
    """The team's settings from *env* (WorkbenchError naming the variable when one is not a number)."""
    def number(name: str, default: int, low: int, high: int) -> int:
        raw = env.get(name, str(default))
        try:
            value = int(raw)
        except ValueError:
            raise WorkbenchError("team.error.number", name=name, value=raw, low=low, high=high) from None
        if not low <= value <= high:
            raise WorkbenchError("team.error.number", name=name, value=raw, low=low, high=high)
        return value
    folder = Path(env.get("TEAM_DIR") or ROOT / "data" / "pg").resolve()
    return Team(folder, number("TEAM_PG_PORT", 5433, 1024, 65535), env.get("TEAM_DB", "workbench"),
                number("TEAM_REPLICAS", 2, 1, 16), number("PORT", 8501, 1024, 65535 - 16),
                env.get("TEAM_ADDRESS", "127.0.0.1"))


def as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(as_owner(cmd), capture_output=True, text=True)
    if done.returncode != 0:
        raise WorkbenchError("team.error.step", command=" ".join(cmd[:2]),
                             detail=(done.stderr or done.stdout).strip()[-400:])


def start_cluster(team: Team, settings: tuple[str, ...] = ()) -> bool:
    """Create the cluster (first time) and start it, with *settings* (``name=value``) added to the server's;
    returns whether this call started it."""
    team.folder.mkdir(parents=True, exist_ok=True)
    team.socket_dir.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(team.folder, "postgres")
        shutil.chown(team.socket_dir, "postgres")
    os.chmod(team.folder, 0o700)
    if not (team.data / "PG_VERSION").exists():
        # trust over the socket only: the folder is its owner's alone, and nothing listens on the network
        _run([pg.program("initdb"), "-D", str(team.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--locale=C.UTF-8"])
    status = subprocess.run(as_owner([pg.program("pg_ctl"), "-D", str(team.data), "status"]), capture_output=True)
    if status.returncode == 0:
        return False
    opts = " ".join([f"-c listen_addresses='' -k {team.socket_dir} -p {team.pg_port}",
                     *(f"-c {setting}" for setting in settings)])
    _run([pg.program("pg_ctl"), "-D", str(team.data), "-o", opts, "-l", str(team.folder / "postgresql.log"),
          "-w", "-t", "60", "start"])
    return True


def stop_cluster(team: Team) -> None:
    """Stop the cluster (fast: open sessions are ended, every commit is kept)."""
    subprocess.run(as_owner([pg.program("pg_ctl"), "-D", str(team.data), "-m", "fast", "-w", "stop"]),
                   capture_output=True)


def create_database(team: Team) -> None:
    """Create the team's database on the cluster, unless it is there."""
    pg.create_database(f"postgresql:///postgres?host={team.socket_dir}&port={team.pg_port}&user=postgres",
                       team.database)


def cookie_secret(team: Team) -> str:
    """One secret for every replica (a session cookie from one is good on the others), kept in the folder."""
    path = team.folder / "cookie_secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def replica_command(team: Team, port: int) -> list[str]:
    """How one replica is started: Streamlit with workshop mode's guards (allowed hosts, XSRF, no error details)."""
    p = workshop.plan(team.address, port)
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *workshop.streamlit_args(p),
            "--server.headless", "true"]


def replica_env(team: Team, secret: str) -> dict[str, str]:
    """A replica's environment: workshop mode (the passcode gate), the team's database and passcode file."""
    # Streamlit takes the cookie secret from its environment or config only, never from the command line
    env = {**os.environ, workshop.ENV_MODE: "1", "WORKBENCH_DB": team.url, "STREAMLIT_SERVER_COOKIE_SECRET": secret,
           workshop.ENV_PASSCODE_FILE: str(team.folder / "server.passcode")}
    env.pop(workshop.ENV_PASSCODE, None)
    return env


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Start the cluster, the database and the replicas; wait until Ctrl-C (or one replica ends), then
    stop what it started. Returns 2 when a step cannot be done (said in plain words)."""
    lang = lang_from_locale(os.environ.get("LANG"))
    procs: list[subprocess.Popen] = []
    started = False
    signal.signal(signal.SIGTERM, _interrupt)       # `kill` stops it as Ctrl-C does: replicas and cluster too
    try:
        team = from_env(dict(os.environ))
        started = start_cluster(team)
        create_database(team)
        Store(team.url).close()                           # migrated once, before any replica starts
        workshop.set_passcode(team.folder / "server.passcode", lang)
        secret = cookie_secret(team)
        for port in team.ports:
            log = open(team.folder / f"replica-{port}.log", "ab")
            procs.append(subprocess.Popen(replica_command(team, port), env=replica_env(team, secret), cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT))
        urls = "  ".join(f"http://{team.address}:{p}" for p in team.ports)
        print(t("team.cli.running", lang, n=team.replicas, urls=urls, db=team.url, folder=str(team.folder)))
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        ended = next(port for port, p in zip(team.ports, procs) if p.poll() is not None)
        sys.stderr.write(t("team.error.replica_ended", lang, port=ended,
                           log=str(team.folder / f"replica-{ended}.log")) + "\n")
        return 1
    except WorkbenchError as e:
        sys.stderr.write(e.text(lang) + "\n")
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        # a second Ctrl-C or kill (an impatient person, `timeout` forwarding its own) must not cut the
        # stopping short and leave the cluster running
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if started:
            stop_cluster(team)


if __name__ == "__main__":
    raise SystemExit(main())
