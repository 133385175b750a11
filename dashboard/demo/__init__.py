"""The bundled sample database and its demo panels, for demo mode and the benchmark. May import layers
1-4.
"""
