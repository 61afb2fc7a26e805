"""The serving half of the assistant: the HTTP API (FastAPI), the service behind it and the page,
its database, keys and metrics. The answer engine it serves lives in `assistant/`.

Importing this package imports nothing else, so `camnang keys` needs no web stack.
"""
