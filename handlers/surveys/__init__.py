"""Member surveys (issue 17): the secretariat asks members a few questions in chat.

Modules, each with one job:
- texts.py       every sentence (ja / en) of surveys, one catalogue
- definition.py  a survey's definition (pydantic) and its validation; SurveyError
- importer.py    a definition from YAML, CSV or an xlsx workbook, errors naming row and column
- service.py     create, edit (refused for questions with answers), send, close, publish, find
- creating.py    creating one in chat (admins): a form on Slack / Teams, a dialogue in the console
- access.py      who may answer what now (deadline, audience, a company that left)
- asking.py      what each step shows: the intro, a question, the review, current answers
- flow.py        the answering conversation as a transition table (surveys.mmd); one draft per
                 survey (another survey's half-answered draft is set aside, paused)
- saving.py      sending the answers: named, or anonymous with completion kept apart
- commands.py    typed chat commands, the "survey:" buttons, the text rule the router calls
- report.py      the figures: per question, by class and industry above the privacy floor
- report_files.py the xlsx, the CSV and the chart (Japanese labels)
- messages.py    what the worker delivers: announcement, reminder, members' summary
"""
