"""Wait statistics for managers, computed from the event log (docs/statistics.md).

    definitions   the figures, defined once: pure, event rows in, facts out
    aggregate     the groupings (office, service, window, operator, hour, day) -> report tables
    query, build  reading the store; database in, report out
    csv_report, xlsx_report, pdf_report, writers   the three report formats
    export        ticket-level records (CSV, JSON) without personal data
    cli           ``talon-server report`` and ``talon-server export`` (register / run)
    bench_year    the year-of-a-big-office benchmark (prints JSON)

Importing the package imports nothing else: the simulator uses ``definitions`` without a
database, a spreadsheet library or matplotlib.
"""
