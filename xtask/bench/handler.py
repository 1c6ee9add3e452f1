"""Post yesterday's Stripe payouts to a Slack channel and archive them in S3.

Triggered every weekday at 09:00 by an EventBridge schedule.
"""

import json
import logging
import os
from datetime import datetime, timedelta, timezone

import boto3
import requests

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

STRIPE_API = "https://api.stripe.com/v1"
SLACK_API = "https://slack.com/api/chat.postMessage"
TIMEOUT_SECONDS = 10
PAGE_SIZE = 100

s3 = boto3.client("s3")


class UpstreamError(Exception):
    """An upstream API answered with an error."""


def _stripe_headers():
    return {"Authorization": f"Bearer {os.environ['STRIPE_API_KEY']}"}


def _window(now):
    """The previous day, in UTC, as Unix timestamps."""
    end = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=1)
    return int(start.timestamp()), int(end.timestamp())


def fetch_payouts(start, end):
    """Every payout created in [start, end), following Stripe's pagination."""
    payouts = []
    params = {"limit": PAGE_SIZE, "created[gte]": start, "created[lt]": end}
    while True:
        response = requests.get(
            f"{STRIPE_API}/payouts",
            headers=_stripe_headers(),
            params=params,
            timeout=TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            raise UpstreamError(f"Stripe answered {response.status_code}")
        page = response.json()
        payouts.extend(page.get("data", []))
        if not page.get("has_more"):
            return payouts
        params["starting_after"] = page["data"][-1]["id"]


def summarize(payouts):
    """Totals per currency and status, in major units."""
    totals = {}
    for payout in payouts:
        key = (payout["currency"].upper(), payout["status"])
        totals[key] = totals.get(key, 0) + payout["amount"]
    return {key: amount / 100 for key, amount in sorted(totals.items())}


def format_message(day, payouts, totals):
    if not payouts:
        return f"No Stripe payouts on {day}."
    lines = [f"*Stripe payouts on {day}* ({len(payouts)} in total)"]
    for (currency, status), amount in totals.items():
        lines.append(f"- {currency} {status}: {amount:,.2f}")
    failed = [p for p in payouts if p["status"] == "failed"]
    if failed:
        lines.append(f":warning: {len(failed)} payout(s) failed; check the dashboard.")
    return "\n".join(lines)


def post_to_slack(text):
    response = requests.post(
        SLACK_API,
        headers={"Authorization": f"Bearer {os.environ['SLACK_BOT_TOKEN']}"},
        json={"channel": os.environ["SLACK_CHANNEL_ID"], "text": text},
        timeout=TIMEOUT_SECONDS,
    )
    body = response.json()
    if not body.get("ok"):
        raise UpstreamError(f"Slack refused the message: {body.get('error')}")
    return body["ts"]


def archive(day, payouts):
    bucket = os.environ.get("ARCHIVE_BUCKET")
    if not bucket:
        logger.info("ARCHIVE_BUCKET is not set; skipping the archive")
        return None
    key = f"stripe-payouts/{day}.json"
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=json.dumps(payouts).encode("utf-8"),
        ContentType="application/json",
    )
    return key


def lambda_handler(event, context):
    now = datetime.now(timezone.utc)
    start, end = _window(now)
    day = datetime.fromtimestamp(start, timezone.utc).date().isoformat()
    try:
        payouts = fetch_payouts(start, end)
        totals = summarize(payouts)
        ts = post_to_slack(format_message(day, payouts, totals))
        key = archive(day, payouts)
    except (UpstreamError, requests.RequestException) as error:
        logger.error("payout report for %s failed: %s", day, error)
        return {"statusCode": 502, "body": json.dumps({"error": str(error)})}
    logger.info("reported %d payouts for %s", len(payouts), day)
    return {
        "statusCode": 200,
        "body": json.dumps({"day": day, "payouts": len(payouts), "slack_ts": ts, "archive": key}),
    }
