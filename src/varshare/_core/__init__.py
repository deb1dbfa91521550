"""Foundations every layer uses: dtypes, argument checks, the graph and its seeding."""
