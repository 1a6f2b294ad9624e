"""Platform adapters (console, Slack, Teams) and the wiring that starts them."""
