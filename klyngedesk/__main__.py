"""Allows `python -m klyngedesk`."""

from klyngedesk.cli.main import main

raise SystemExit(main())
