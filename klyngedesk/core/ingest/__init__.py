"""Reading, recognising, mapping, checking and storing the files clinics send (no Qt)."""
