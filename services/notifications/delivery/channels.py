"""Sending one delivery over its channel: SMTP email, an HTTP SMS gateway, a signed webhook.

Each sender makes one attempt and reports what happened; retries, records and giving up are the
delivery service's business.
"""

import json
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import httpx
from standardwebhooks.webhooks import Webhook

from services.notifications.settings import NotificationsSettings
from services.notifications.webhooks.urls import forbidden_address_problem


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def send_email(settings: NotificationsSettings, to: str, subject: str, body: str) -> SendResult:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="gridsafe")
    message.set_content(body, charset="utf-8")
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        return SendResult(False, exc.smtp_code, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}")
    except (OSError, smtplib.SMTPException) as exc:
        return SendResult(False, None, f"{type(exc).__name__}: {exc}")
    return SendResult(True, 250)


def _post(url: str, *, timeout: float, content: str, headers: dict[str, str]) -> SendResult:
    try:
        response = httpx.post(url, content=content.encode(), headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return SendResult(False, None, f"{type(exc).__name__}: {exc}")
    if response.is_success:
        return SendResult(True, response.status_code)
    return SendResult(False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")


def send_sms(settings: NotificationsSettings, phone: str, text: str) -> SendResult:
    headers = {"Content-Type": "application/json"}
    if settings.sms_gateway_token:
        headers["Authorization"] = f"Bearer {settings.sms_gateway_token}"
    payload = json.dumps({"phone": phone, "text": text}, ensure_ascii=False)
    return _post(
        settings.sms_gateway_url, timeout=settings.sms_timeout_seconds, content=payload, headers=headers
    )


def send_webhook(
    settings: NotificationsSettings, url: str, secret: str, message_id: str, payload: str
) -> SendResult:
    """POST `payload` signed per the Standard Webhooks spec (webhook-id, -timestamp, -signature)."""
    problem = forbidden_address_problem(url, settings)  # checked again: DNS may have changed
    if problem:
        return SendResult(False, None, problem)
    timestamp = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, timestamp, payload),
    }
    return _post(url, timeout=settings.webhook_timeout_seconds, content=payload, headers=headers)
