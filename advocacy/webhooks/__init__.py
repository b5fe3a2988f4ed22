"""Signed webhooks: admins register endpoints for events; each event becomes a delivery, signed the
Standard Webhooks way and sent by a job with retries (README, "Webhooks")."""
