"""Results: a company's score and holes, the member benchmark, round reports, charts and exports.

Modules: view (a company's result and benchmark in chat), benchmark (the privacy rule and the
frozen snapshot), progress (change since the previous round), report (the secretariat's round
report), workbook (its Excel and CSV files), charts (PNG radar and bars), texts (every sentence
and number format). Which round counts as the previous one: store/rounds.py `previous_round`.
"""
