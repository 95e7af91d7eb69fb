"""The server-rendered pages: Jinja2 templates, session login, CSRF-protected forms."""
