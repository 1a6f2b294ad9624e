"""Platform-neutral conversation logic: takes an Incoming turn, returns a list of Replies."""
