"""Run a command (the test suite) against a throwaway PostgreSQL cluster: ``python -m tests.pg_server CMD ...``.

`make test-pg` and `.ci/run` use it. The cluster is made as `make team` makes its own (strategy_core/team.py)
but in a temp folder, tuned for speed rather than safety (no fsync: it is thrown away), with room for the
connections of a suite that opens a Store per test; the command gets its URL in $WORKBENCH_TEST_PG and
every test that takes `store` or `db_location` runs on a fresh schema of it (tests/conftest.py).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from strategy_core import team

FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=400")


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="workbench-test-pg-"))
    cluster = team.Team(folder, 55433, "postgres", 1, 8501, "127.0.0.1")
    try:
        team.start_cluster(cluster, FAST)
        env = {**os.environ, "WORKBENCH_TEST_PG": cluster.url}
        print(f"PostgreSQL for the tests: {env['WORKBENCH_TEST_PG']}", flush=True)
        return subprocess.call(argv, env=env)
    finally:
        team.stop_cluster(cluster)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
