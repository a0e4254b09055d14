"""`python -m strategy_core` — the command line (see strategy_core/cli/__init__.py)."""
import sys

from strategy_core.cli import main

if __name__ == "__main__":
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `... check | head`: the reader left, nothing to say
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
