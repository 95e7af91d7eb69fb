"""What the API and the pages share, below both: the request dependencies, the bounded
parameters, idempotent changes, body limits, the proxy's headers, the security headers
and the one translation of errors into responses. Neither ``api`` nor ``web`` imports
the other; ``pledge.app`` puts them together."""
