"""The working templates and loops of the method: weekly OKR plans, daily BSC reports, reviews, risk plans, the workshop agenda, and the 7-day progress they add up to."""
