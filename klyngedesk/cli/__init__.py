"""The headless command line: the same pipeline as the GUI, for scripts and power users."""
