"""Streamlit-only helpers shared by the pages (the core stays free of Streamlit)."""
