"""``python -m tui``: the same entry point as the ``modelarts-tui`` console script."""

import sys

from tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
