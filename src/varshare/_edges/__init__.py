"""Private parts of the edges: the command line, out-of-core files, checkpoint names."""
