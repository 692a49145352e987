"""``talon-server run``: open the site, start the server, stop cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import ssl

from queue_server.net.server import TalonServer


def tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if not cert:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def _run(args: argparse.Namespace) -> None:
    from queue_server.cli import open_site, site_from

    site, store = open_site(args)
    server = TalonServer(site, store, reload_site=lambda: site_from(args))
    port = await server.start(args.host, args.port, tls_context(args.tls_cert, args.tls_key))
    print(f"talon-server: serving {len(site.offices)} office(s) on {args.host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
        store.close()


def serve_forever(args: argparse.Namespace) -> int:
    asyncio.run(_run(args))
    return 0
