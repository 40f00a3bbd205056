"""Visits (走访记录): escorts log each contact with an assigned company.

Settings (app.core.settings, editable later on a settings page; stored values
override these defaults):

- ``visits.window``: the period in which every assigned company must be
  visited: ``"month"`` (calendar month, the default), ``"quarter"`` (calendar
  quarter) or ``"year"``.
- ``visits.per_window``: how many visits a company needs in that period
  (default 1).

A company with fewer visits than ``visits.per_window`` in the current window
is listed on /visits/unvisited for its escort and for managers.
"""
