"""Load CSV files dropped into S3 into a DynamoDB table (S3 put trigger)."""

import csv
import io
import logging
import os
import urllib.parse

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

TABLE_NAME = os.environ.get("TABLE_NAME", "{{TABLE_NAME}}")
BATCH_SIZE = 25
REQUIRED_COLUMNS = ("id", "email", "plan")

s3 = boto3.client("s3")
table = boto3.resource("dynamodb").Table(TABLE_NAME)


def parse_rows(body: str):
    reader = csv.DictReader(io.StringIO(body))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"CSV is missing columns: {', '.join(missing)}")
    for line_number, row in enumerate(reader, start=2):
        if not row["id"]:
            logger.warning("skipping row %d without id", line_number)
            continue
        yield {
            "id": row["id"].strip(),
            "email": row["email"].strip().lower(),
            "plan": row["plan"].strip() or "free",
        }


def write_rows(rows) -> int:
    written = 0
    with table.batch_writer(overwrite_by_pkeys=["id"]) as batch:
        for row in rows:
            batch.put_item(Item=row)
            written += 1
    return written


def lambda_handler(event, context):
    results = []
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        obj = s3.get_object(Bucket=bucket, Key=key)
        body = obj["Body"].read().decode("utf-8-sig")
        count = write_rows(parse_rows(body))
        logger.info("loaded %d rows from s3://%s/%s", count, bucket, key)
        results.append({"key": key, "rows": count})
    return {"loaded": results}
