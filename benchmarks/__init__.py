"""Performance runs, separate from the tests (DESIGN.md §4): they print figures next to a baseline
measured in the same run; nothing here asserts a timing. Start with `python -m benchmarks`."""
