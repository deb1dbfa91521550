"""Private parts of the edges: out-of-core files and checkpoint names."""
