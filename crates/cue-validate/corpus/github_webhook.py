"""Receive GitHub webhooks through a Lambda function URL and open Jira-style tickets.

Verifies the X-Hub-Signature-256 HMAC, de-duplicates deliveries with a conditional DynamoDB
write, and forwards issue events to a ticketing API with retries and timeouts.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.request
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

WEBHOOK_SECRET = os.environ.get("GITHUB_WEBHOOK_SECRET", "{{GITHUB_WEBHOOK_SECRET}}")
TICKETS_URL = os.environ.get("TICKETS_URL", "{{TICKETS_URL}}")
TICKETS_TOKEN = os.environ.get("TICKETS_TOKEN", "{{TICKETS_TOKEN}}")
DEDUP_TABLE = os.environ.get("DEDUP_TABLE", "{{DEDUP_TABLE}}")
TIMEOUT = 8
RETRIES = 3
HANDLED_ACTIONS = {"opened", "reopened", "labeled"}

dynamodb = boto3.client("dynamodb")


def response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


def signature_ok(body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def first_delivery(delivery_id: str) -> bool:
    try:
        dynamodb.put_item(
            TableName=DEDUP_TABLE,
            Item={
                "delivery_id": {"S": delivery_id},
                "expires_at": {"N": str(int(time.time()) + 7 * 24 * 3600)},
            },
            ConditionExpression="attribute_not_exists(delivery_id)",
        )
        return True
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


def create_ticket(issue: dict[str, Any], repo: str) -> str:
    payload = {
        "title": f"[{repo}] {issue['title']}",
        "description": issue.get("body") or "",
        "labels": [label["name"] for label in issue.get("labels", [])],
        "link": issue["html_url"],
    }
    request = urllib.request.Request(
        TICKETS_URL,
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {TICKETS_TOKEN}", "Content-Type": "application/json"},
        method="POST",
    )
    last_error: Exception | None = None
    for attempt in range(RETRIES):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as resp:
                return json.loads(resp.read())["id"]
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise
            last_error = exc
        except urllib.error.URLError as exc:
            last_error = exc
        time.sleep(2**attempt)
    raise RuntimeError(f"ticket API unavailable: {last_error}")


def lambda_handler(event, context):
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    body = raw_body(event)
    if not signature_ok(body, headers.get("x-hub-signature-256")):
        logger.warning("rejected webhook with a bad signature")
        return response(401, {"error": "invalid signature"})
    delivery = headers.get("x-github-delivery", "")
    if delivery and not first_delivery(delivery):
        return response(200, {"status": "duplicate"})
    kind = headers.get("x-github-event")
    payload = json.loads(body or b"{}")
    if kind == "ping":
        return response(200, {"status": "pong"})
    if kind != "issues" or payload.get("action") not in HANDLED_ACTIONS:
        return response(202, {"status": "ignored"})
    ticket = create_ticket(payload["issue"], payload["repository"]["full_name"])
    logger.info("created ticket %s for %s", ticket, payload["issue"]["html_url"])
    return response(201, {"ticket": ticket})
