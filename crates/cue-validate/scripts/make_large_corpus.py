"""Writes order_service.py: a large (~2,000 line) API Gateway handler used as a benchmark input.

Each resource gets the same shape of code a hand-written service has (validation, DynamoDB
access with pagination bounds, serialisation, routing), with different names and fields, so
the file is realistic in structure and size. Run from the crate: python3 scripts/make_large_corpus.py > corpus/order_service.py
"""

RESOURCES = [
    ("order", ["customer_id", "total", "currency", "status"]),
    ("customer", ["email", "name", "plan", "country"]),
    ("product", ["sku", "title", "price", "stock"]),
    ("invoice", ["order_id", "amount", "due_date", "paid"]),
    ("shipment", ["order_id", "carrier", "tracking", "eta"]),
    ("refund", ["order_id", "amount", "reason", "approved"]),
    ("coupon", ["code", "percent", "expires", "uses"]),
    ("review", ["product_id", "rating", "text", "author"]),
    ("warehouse", ["city", "capacity", "manager", "open"]),
    ("supplier", ["name", "email", "country", "rating"]),
    ("cart", ["customer_id", "items", "updated", "total"]),
    ("payment", ["order_id", "method", "amount", "state"]),
    ("ticket", ["customer_id", "subject", "priority", "state"]),
    ("subscription", ["customer_id", "plan", "renews", "active"]),
    ("category", ["name", "parent", "slug", "visible"]),
    ("address", ["customer_id", "line1", "city", "postcode"]),
]

HEADER = '''"""Order service: a REST API behind API Gateway (proxy integration) backed by DynamoDB."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

TABLE_PREFIX = os.environ.get("TABLE_PREFIX", "{{TABLE_PREFIX}}")
MAX_PAGE_SIZE = 100
MAX_PAGES = 20
ID_PATTERN = re.compile(r"^[a-zA-Z0-9-]{1,64}$")

dynamodb = boto3.resource("dynamodb")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def respond(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=json_default),
    }


def parse_body(event: dict[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "body must be a JSON object")
    return data


def require_id(value: str | None) -> str:
    if not value or not ID_PATTERN.match(value):
        raise ApiError(400, "invalid id")
    return value


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()

'''

TEMPLATE = '''

# ---------------------------------------------------------------- {name}s

{table_var} = dynamodb.Table(f"{{TABLE_PREFIX}}-{name}s")


@dataclass
class {cls}:
    id: str
{dataclass_fields}
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "{cls}":
        return cls(
            id=item["id"],
{from_item}
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_{name}(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {{{allowed}}}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {{', '.join(unknown)}}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {{', '.join(sorted(missing))}}")
    cleaned: dict[str, Any] = {{}}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{{field_name}} is too long")
        cleaned[field_name] = value
    return cleaned


def list_{name}s(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {{"Limit": limit}}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = {table_var}.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {{"items": [asdict({cls}.from_item(i)) for i in items[:limit]]}}


def get_{name}(item_id: str) -> dict[str, Any]:
    result = {table_var}.get_item(Key={{"id": require_id(item_id)}})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "{name} not found")
    return asdict({cls}.from_item(item))


def create_{name}(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_{name}(data)
    stamp = now_iso()
    item = {{"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}}
    {table_var}.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created {name} %s", item["id"])
    return asdict({cls}.from_item(item))


def update_{name}(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_{name}(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {{f"#f{{i}}": k for i, k in enumerate(cleaned)}}
    values = {{f":v{{i}}": v for i, v in enumerate(cleaned.values())}}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{{i}} = :v{{i}}" for i in range(len(cleaned)))
    try:
        result = {table_var}.update_item(
            Key={{"id": require_id(item_id)}},
            UpdateExpression=f"SET {{expression}}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "{name} not found") from exc
        raise
    return asdict({cls}.from_item(result["Attributes"]))


def delete_{name}(item_id: str) -> dict[str, Any]:
    {table_var}.delete_item(Key={{"id": require_id(item_id)}})
    logger.info("deleted {name} %s", item_id)
    return {{"deleted": item_id}}


def {name}s_by_{first}(value: str) -> list[dict[str, Any]]:
    result = {table_var}.query(
        IndexName="{first}-index",
        KeyConditionExpression=Key("{first}").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict({cls}.from_item(i)) for i in result.get("Items", [])]
'''

FOOTER = '''

Route = Callable[[dict[str, Any], dict[str, str], dict[str, str]], Any]

ROUTES: dict[tuple[str, str], Route] = {{
{routes}
}}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = event.get("httpMethod", "GET")
    resource = event.get("resource", "/")
    params = event.get("pathParameters") or {{}}
    query = event.get("queryStringParameters") or {{}}
    route = ROUTES.get((method, resource))
    if route is None:
        return respond(404, {{"error": f"no route for {{method}} {{resource}}"}})
    try:
        body = parse_body(event) if method in ("POST", "PUT", "PATCH") else {{}}
        result = route(body, params, query)
    except ApiError as exc:
        return respond(exc.status, {{"error": exc.message}})
    except ClientError:
        logger.exception("DynamoDB request failed (request %s)", getattr(context, "aws_request_id", "-"))
        return respond(502, {{"error": "storage unavailable"}})
    status = 201 if method == "POST" else 200
    return respond(status, result)
'''


def main() -> None:
    out = [HEADER]
    routes = []
    for name, fields in RESOURCES:
        cls = "".join(part.title() for part in name.split("_"))
        table_var = f"{name}_table"
        out.append(
            TEMPLATE.format(
                name=name,
                cls=cls,
                table_var=table_var,
                first=fields[0],
                allowed=", ".join(f'"{f}"' for f in fields),
                dataclass_fields="\n".join(f"    {f}: Any" for f in fields),
                from_item="\n".join(f'            {f}=item.get("{f}"),' for f in fields),
            )
        )
        routes += [
            f'    ("GET", "/{name}s"): lambda b, p, q: list_{name}s(q),',
            f'    ("POST", "/{name}s"): lambda b, p, q: create_{name}(b),',
            f'    ("GET", "/{name}s/{{id}}"): lambda b, p, q: get_{name}(p.get("id")),',
            f'    ("PATCH", "/{name}s/{{id}}"): lambda b, p, q: update_{name}(p.get("id"), b),',
            f'    ("DELETE", "/{name}s/{{id}}"): lambda b, p, q: delete_{name}(p.get("id")),',
        ]
    out.append(FOOTER.format(routes="\n".join(routes)))
    print("".join(out), end="")


if __name__ == "__main__":
    main()
