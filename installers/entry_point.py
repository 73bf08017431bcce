"""Entry script of the frozen bundle: the same `klyngedesk` command a pip install gives."""

from __future__ import annotations

import multiprocessing
import sys

from klyngedesk.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless a later stage starts worker processes
    sys.exit(main())
