"""Test helpers and fakes shared by the suite: a local fake Slack Web API, a fake Bot Framework
connector, data factories and a console-like chat driver."""
