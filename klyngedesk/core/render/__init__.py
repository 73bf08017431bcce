"""Print output: chart specifications, their reportlab renderer and the meeting-pack documents."""
