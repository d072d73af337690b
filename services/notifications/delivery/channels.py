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
from services.notifications.webhooks.urls import ForbiddenTarget, Target, checked_target


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
    """One POST; redirects are not followed (a 3xx is a failed attempt, naming where it pointed)."""
    try:
        response = _request(url, timeout=timeout, content=content, headers=headers)
    except httpx.HTTPError as exc:
        return SendResult(False, None, f"{type(exc).__name__}: {exc}")
    return _result(response)


def _request(
    url: str | httpx.URL,
    *,
    timeout: float,
    content: str,
    headers: dict[str, str],
    extensions: dict[str, str] | None = None,
) -> httpx.Response:
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        request = client.build_request(
            "POST", url, content=content.encode(), headers=headers, extensions=extensions
        )
        return client.send(request)


def _result(response: httpx.Response) -> SendResult:
    if response.is_success:
        return SendResult(True, response.status_code)
    if response.is_redirect:
        location = response.headers.get("location", "")[:200]
        return SendResult(
            False,
            response.status_code,
            f"HTTP {response.status_code}: 不跟随重定向 / redirect to {location} not followed",
        )
    return SendResult(False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")


def send_sms(settings: NotificationsSettings, phone: str, text: str) -> SendResult:
    headers = {"Content-Type": "application/json"}
    if settings.sms_gateway_token:
        headers["Authorization"] = f"Bearer {settings.sms_gateway_token}"
    payload = json.dumps({"phone": phone, "text": text}, ensure_ascii=False)
    return _post(
        settings.sms_gateway_url, timeout=settings.sms_timeout_seconds, content=payload, headers=headers
    )


def _post_to_checked_addresses(
    target: Target, *, timeout: float, content: str, headers: dict[str, str]
) -> SendResult:
    """POST to the target's checked addresses in turn (the next only if one cannot be connected
    to), with the Host header and the TLS server name (SNI, also the name the certificate is
    verified against) set to the URL's host name."""
    url = httpx.URL(target.url)
    headers = {**headers, "Host": target.host if url.port is None else f"{target.host}:{url.port}"}
    error = ""
    for address in target.addresses:
        try:
            response = _request(
                url.copy_with(host=str(address)),
                timeout=timeout,
                content=content,
                headers=headers,
                extensions={"sni_hostname": target.host},
            )
        except httpx.ConnectError as exc:
            error = f"{type(exc).__name__} ({address}): {exc}"
            continue
        except httpx.HTTPError as exc:
            return SendResult(False, None, f"{type(exc).__name__}: {exc}")
        return _result(response)
    return SendResult(False, None, error)


def send_webhook(
    settings: NotificationsSettings, url: str, signing_secrets: list[str], message_id: str, payload: str
) -> SendResult:
    """POST `payload` signed per the Standard Webhooks spec (webhook-id, -timestamp, -signature),
    to the addresses checked now (DNS may have changed since the subscription was made).

    `signing_secrets` are the endpoint's current secret and, during a rotation's grace period, the
    previous one: the signature header then carries both, space-separated, as the spec allows."""
    try:
        target = checked_target(url, settings)
    except ForbiddenTarget as exc:
        return SendResult(False, None, str(exc))
    timestamp = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(
            Webhook(secret).sign(message_id, timestamp, payload) for secret in signing_secrets
        ),
    }
    return _post_to_checked_addresses(
        target, timeout=settings.webhook_timeout_seconds, content=payload, headers=headers
    )
