"""Events and broadcasts: All-Hands, Stand-Ups, Spotlight talks, RSVPs and secretariat broadcasts.

Modules, each with one job:
- texts.py       every sentence (ja / en) of events and broadcasts, one catalogue
- values.py      reading and checking typed values (kinds, dates, links, options); EventError
- when.py        reading a typed date and time the way people write them
- reminders.py   when event messages go out: EventPolicy and the announcement / reminder times
- recurrence.py  the recurring rule's calendar (the monthly All-Hands)
- service.py     the event service: create, edit, cancel, announce, propose, approve, plan
- broadcasts.py  broadcasts: create, compose, report, and their chat command
- broadcast_preview.py, event_preview.py  what would go out, shown before it goes (admins)
- messages.py    what the delivered event messages say; ics.py the calendar file
- views.py       what chat shows (created, details and RSVPs, upcoming, an RSVP's answer)
- forms.py       the native "new / edit event" form (Slack modal, Teams card)
- guided.py      the guided "new event" dialogue as a transition table (event_form.mmd)
- rules.py       the recurring rule as a service: create, stop, make its events
- commands.py    typed chat commands; buttons.py every "event:" button

Each name is imported from the module that defines it; no module re-exports another's names
(tests/test_events_layout.py).
"""
