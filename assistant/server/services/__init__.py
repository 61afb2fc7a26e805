"""What the service does, one module per job: answers (and feedback), documents, the ingest job
queue, the gap report and the admin login. `assistant.server.service.Service` puts them together."""
