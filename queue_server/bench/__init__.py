"""``talon-bench``: a region of simulated kiosks, boards, managers and operator consoles.

A client of the server in its own process: it speaks only the wire protocol
(``queue_protocol``) over real websockets and never imports the server's internals.
``cli.py`` runs it; ``region.py`` spreads the clients over the offices, ``roles.py`` is the
clients, ``stats.py`` the percentiles, ``proc.py`` reads the server's RSS and CPU from /proc.
"""
