"""Strategy execution workbench — the domain core.

Pure Python: no Streamlit import, ever (DESIGN.md §1). Pages, the command line
and the tests all speak to the workbench through this package.
"""
