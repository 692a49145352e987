"""The server's printing: the durable spool that drives each ticket printer from its own thread."""
