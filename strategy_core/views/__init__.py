"""What pages show, as plain data built from the core's results: testable without Streamlit."""
