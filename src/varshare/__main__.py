"""``python -m varshare [info|bench|demo]``; see ``python -m varshare --help``."""

from varshare._cli import main

main()
