"""Where the year stands: check-ins and readings, the measuring formulas (status, pace, forecast) and the board's snapshot."""
