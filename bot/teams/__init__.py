"""Microsoft Teams adapter: Bot Framework activities on POST /api/messages (issue 4)."""
