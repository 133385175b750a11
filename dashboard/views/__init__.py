"""Page scripts: each reads widgets, calls data functions and chart builders, and renders."""
