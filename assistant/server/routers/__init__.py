"""The API's routes, one module per resource; `assistant.server.app` includes them in order."""
