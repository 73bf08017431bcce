"""The Qt-free core: ingest, store, collate, anonymise and render, callable from CLI, GUI and tests."""
