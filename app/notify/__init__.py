"""Reaching people where they work: the outbox, its channels (e-mail, 钉钉/企业微信 robots, SMS,
webhooks), per-person preferences, digests and the worker that delivers."""
