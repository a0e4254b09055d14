"""The year's plan as decoded: the workspace, the revenue onion, the OKR cascade, the Balanced Scorecard and its strategy map."""
