"""`python -m benchmarks` (`make bench`): generate a large workspace and measure it (benchmarks/run.py)."""
from benchmarks.run import main

if __name__ == "__main__":
    raise SystemExit(main())
