"""The event backbone: envelope, contracts, outbox, relay and idempotent consumers."""
