"""Reaching people where they work: the in-app notification pages and the header's bell (inbox.py), delivery
beyond the app of the notices app.core.notifications writes (notices.py: e-mail, SMS, 钉钉/企业微信 robots),
the outbox and its channels (webhooks too), per-person preferences, digests and the worker that delivers."""
