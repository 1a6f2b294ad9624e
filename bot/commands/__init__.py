"""Subcommands of `aiga-bot`, one module per feature, each with `register(subparsers)`."""
