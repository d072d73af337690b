"""Notifications service (通知): inbox, email, SMS, webhooks, reminders and escalation."""
