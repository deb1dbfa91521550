"""``python -m varshare [info|bench|demo]``; see ``python -m varshare --help``."""

from varshare._edges.cli import main

main()
