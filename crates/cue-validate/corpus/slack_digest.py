"""Post a daily digest of new S3 uploads to a Slack channel.

Triggered by an EventBridge schedule. Lists objects uploaded to the configured bucket in the
last 24 hours, summarises them, stores the summary in DynamoDB and posts it to Slack through
the Web API using only the standard library.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

import boto3
from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

BUCKET_NAME = os.environ.get("BUCKET_NAME", "{{BUCKET_NAME}}")
TABLE_NAME = os.environ.get("TABLE_NAME", "{{TABLE_NAME}}")
SLACK_CHANNEL = os.environ.get("SLACK_CHANNEL", "{{SLACK_CHANNEL}}")
SLACK_BOT_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "{{SLACK_BOT_TOKEN}}")
SLACK_API_URL = "https://slack.com/api/chat.postMessage"
HTTP_TIMEOUT_SECONDS = float(os.environ.get("HTTP_TIMEOUT_SECONDS", "10"))
MAX_RETRIES = 3
MAX_PAGES = 50

s3 = boto3.client("s3")
dynamodb = boto3.resource("dynamodb")
table = dynamodb.Table(TABLE_NAME)


class SlackError(RuntimeError):
    """Raised when Slack rejects a message."""


@dataclass
class Upload:
    key: str
    size: int
    modified: datetime
    tags: list[str] = field(default_factory=list)

    @property
    def size_kb(self) -> float:
        return round(self.size / 1024, 1)


def recent_uploads(bucket: str, since: datetime) -> list[Upload]:
    """Objects modified after `since`, following pagination with a page bound."""
    uploads: list[Upload] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        kwargs: dict[str, Any] = {"Bucket": bucket, "MaxKeys": 1000}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(**kwargs)
        for item in page.get("Contents", []):
            if item["LastModified"] >= since:
                uploads.append(Upload(item["Key"], item["Size"], item["LastModified"]))
        if not page.get("IsTruncated"):
            break
        token = page.get("NextContinuationToken")
    else:
        logger.warning("stopped listing %s after %d pages", bucket, MAX_PAGES)
    return uploads


def summarise(uploads: Iterable[Upload]) -> dict[str, Any]:
    by_prefix: dict[str, int] = {}
    total = 0
    for upload in uploads:
        prefix = upload.key.split("/", 1)[0] if "/" in upload.key else "(root)"
        by_prefix[prefix] = by_prefix.get(prefix, 0) + 1
        total += upload.size
    largest = sorted(by_prefix.items(), key=lambda kv: kv[1], reverse=True)[:5]
    return {
        "count": sum(by_prefix.values()),
        "total_kb": round(total / 1024, 1),
        "top_prefixes": [{"prefix": p, "count": c} for p, c in largest],
    }


def format_message(summary: dict[str, Any], day: str) -> str:
    if not summary["count"]:
        return f"No new uploads to {BUCKET_NAME} on {day}."
    lines = [f"*{summary['count']} new uploads* to `{BUCKET_NAME}` on {day}"]
    lines += [f"• `{row['prefix']}`: {row['count']}" for row in summary["top_prefixes"]]
    lines.append(f"Total size: {summary['total_kb']} KB")
    return "\n".join(lines)


def post_to_slack(text: str) -> dict[str, Any]:
    body = json.dumps({"channel": SLACK_CHANNEL, "text": text}).encode("utf-8")
    request = urllib.request.Request(
        SLACK_API_URL,
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {SLACK_BOT_TOKEN}",
        },
        method="POST",
    )
    delay = 1.0
    for attempt in range(1, MAX_RETRIES + 1):
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 429 and attempt < MAX_RETRIES:
                retry_after = float(exc.headers.get("Retry-After", delay))
                logger.warning("rate limited by Slack, retrying in %.1fs", retry_after)
                time.sleep(retry_after)
                continue
            raise
        except urllib.error.URLError:
            if attempt == MAX_RETRIES:
                raise
            time.sleep(delay)
            delay *= 2
            continue
        if not payload.get("ok"):
            raise SlackError(payload.get("error", "unknown Slack error"))
        return payload
    raise SlackError("Slack did not accept the message")


def save_summary(day: str, summary: dict[str, Any]) -> None:
    try:
        table.put_item(
            Item={"day": day, "summary": json.dumps(summary)},
            ConditionExpression="attribute_not_exists(#d)",
            ExpressionAttributeNames={"#d": "day"},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        logger.info("summary for %s already stored; skipping", day)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    since = now - timedelta(days=1)
    day = since.date().isoformat()
    logger.info("building digest for %s (request %s)", day, getattr(context, "aws_request_id", "-"))
    try:
        uploads = recent_uploads(BUCKET_NAME, since)
        summary = summarise(uploads)
        save_summary(day, summary)
        result = post_to_slack(format_message(summary, day))
    except (BotoCoreError, ClientError, SlackError, urllib.error.URLError) as exc:
        logger.exception("digest failed")
        return {"statusCode": 502, "body": json.dumps({"error": str(exc)})}
    return {
        "statusCode": 200,
        "body": json.dumps({"day": day, "uploads": summary["count"], "ts": result.get("ts")}),
    }
