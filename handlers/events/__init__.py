"""Events and broadcasts: All-Hands, Stand-Ups, Spotlight talks, RSVPs and secretariat broadcasts.

Modules, each with one job:
- texts.py       every sentence (ja / en) of events and broadcasts, one catalogue
- values.py      reading and checking typed values (kinds, dates, links, options); EventError
- reminders.py   when event messages go out: EventPolicy and the announcement / reminder times
- recurrence.py  the recurring rule's calendar (the monthly All-Hands)
- service.py     the event service: create, edit, cancel, announce, propose, approve, plan
- broadcasts.py  broadcasts: create, compose, report, and their chat command
- messages.py    what the delivered event messages say; ics.py the calendar file
- views.py       what chat shows (created, details and RSVPs, upcoming, an RSVP's answer)
- forms.py       the native "new / edit event" form (Slack modal, Teams card)
- guided.py      the guided "new event" dialogue as a transition table (event_form.mmd)
- commands.py    typed chat commands; dialogue.py what the router calls, and the buttons
"""
