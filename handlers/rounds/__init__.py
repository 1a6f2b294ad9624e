"""Assessment rounds: opening, deadlines, participation, reminder plans and round chat commands."""
