"""Service runtime: resources, the ASGI app with /health and /metrics, running it."""
