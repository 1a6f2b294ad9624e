"""Assessment rounds: opening, deadlines, participation, reminder plans and round chat commands.

Modules: service (open / extend / close, shared by chat and `aiga-bot round`), participation
(who takes part, each company's progress, mutes and failed deliveries), commands (the
secretariat's chat commands), mute (the reminder's mute button), carry_over (last round's answers
offered in the Navi), reminders (the schedule, pure, and the reminder messages), texts (every
sentence). Which round counts as the previous one: store/rounds.py `previous_round`.
"""
