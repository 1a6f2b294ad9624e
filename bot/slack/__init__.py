"""The Slack adapter: the only package that knows Slack (Bolt, Block Kit, the Web API).

Handlers speak neutral replies; this package turns Slack requests into `Incoming` turns for the
router and the replies into Block Kit messages, the App Home view and file uploads.
"""
