"""Page modules: each has a `page()` that reads widgets, calls data functions and charts, renders."""
