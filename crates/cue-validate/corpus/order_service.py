"""Order service: a REST API behind API Gateway (proxy integration) backed by DynamoDB."""

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



# ---------------------------------------------------------------- orders

order_table = dynamodb.Table(f"{TABLE_PREFIX}-orders")


@dataclass
class Order:
    id: str
    customer_id: Any
    total: Any
    currency: Any
    status: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Order":
        return cls(
            id=item["id"],
            customer_id=item.get("customer_id"),
            total=item.get("total"),
            currency=item.get("currency"),
            status=item.get("status"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_order(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"customer_id", "total", "currency", "status"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_orders(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = order_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Order.from_item(i)) for i in items[:limit]]}


def get_order(item_id: str) -> dict[str, Any]:
    result = order_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "order not found")
    return asdict(Order.from_item(item))


def create_order(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_order(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    order_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created order %s", item["id"])
    return asdict(Order.from_item(item))


def update_order(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_order(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = order_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "order not found") from exc
        raise
    return asdict(Order.from_item(result["Attributes"]))


def delete_order(item_id: str) -> dict[str, Any]:
    order_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted order %s", item_id)
    return {"deleted": item_id}


def orders_by_customer_id(value: str) -> list[dict[str, Any]]:
    result = order_table.query(
        IndexName="customer_id-index",
        KeyConditionExpression=Key("customer_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Order.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- customers

customer_table = dynamodb.Table(f"{TABLE_PREFIX}-customers")


@dataclass
class Customer:
    id: str
    email: Any
    name: Any
    plan: Any
    country: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Customer":
        return cls(
            id=item["id"],
            email=item.get("email"),
            name=item.get("name"),
            plan=item.get("plan"),
            country=item.get("country"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_customer(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"email", "name", "plan", "country"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_customers(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = customer_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Customer.from_item(i)) for i in items[:limit]]}


def get_customer(item_id: str) -> dict[str, Any]:
    result = customer_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "customer not found")
    return asdict(Customer.from_item(item))


def create_customer(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_customer(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    customer_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created customer %s", item["id"])
    return asdict(Customer.from_item(item))


def update_customer(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_customer(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = customer_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "customer not found") from exc
        raise
    return asdict(Customer.from_item(result["Attributes"]))


def delete_customer(item_id: str) -> dict[str, Any]:
    customer_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted customer %s", item_id)
    return {"deleted": item_id}


def customers_by_email(value: str) -> list[dict[str, Any]]:
    result = customer_table.query(
        IndexName="email-index",
        KeyConditionExpression=Key("email").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Customer.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- products

product_table = dynamodb.Table(f"{TABLE_PREFIX}-products")


@dataclass
class Product:
    id: str
    sku: Any
    title: Any
    price: Any
    stock: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Product":
        return cls(
            id=item["id"],
            sku=item.get("sku"),
            title=item.get("title"),
            price=item.get("price"),
            stock=item.get("stock"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_product(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"sku", "title", "price", "stock"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_products(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = product_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Product.from_item(i)) for i in items[:limit]]}


def get_product(item_id: str) -> dict[str, Any]:
    result = product_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "product not found")
    return asdict(Product.from_item(item))


def create_product(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_product(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    product_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created product %s", item["id"])
    return asdict(Product.from_item(item))


def update_product(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_product(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = product_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "product not found") from exc
        raise
    return asdict(Product.from_item(result["Attributes"]))


def delete_product(item_id: str) -> dict[str, Any]:
    product_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted product %s", item_id)
    return {"deleted": item_id}


def products_by_sku(value: str) -> list[dict[str, Any]]:
    result = product_table.query(
        IndexName="sku-index",
        KeyConditionExpression=Key("sku").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Product.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- invoices

invoice_table = dynamodb.Table(f"{TABLE_PREFIX}-invoices")


@dataclass
class Invoice:
    id: str
    order_id: Any
    amount: Any
    due_date: Any
    paid: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Invoice":
        return cls(
            id=item["id"],
            order_id=item.get("order_id"),
            amount=item.get("amount"),
            due_date=item.get("due_date"),
            paid=item.get("paid"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_invoice(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"order_id", "amount", "due_date", "paid"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_invoices(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = invoice_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Invoice.from_item(i)) for i in items[:limit]]}


def get_invoice(item_id: str) -> dict[str, Any]:
    result = invoice_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "invoice not found")
    return asdict(Invoice.from_item(item))


def create_invoice(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_invoice(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    invoice_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created invoice %s", item["id"])
    return asdict(Invoice.from_item(item))


def update_invoice(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_invoice(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = invoice_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "invoice not found") from exc
        raise
    return asdict(Invoice.from_item(result["Attributes"]))


def delete_invoice(item_id: str) -> dict[str, Any]:
    invoice_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted invoice %s", item_id)
    return {"deleted": item_id}


def invoices_by_order_id(value: str) -> list[dict[str, Any]]:
    result = invoice_table.query(
        IndexName="order_id-index",
        KeyConditionExpression=Key("order_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Invoice.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- shipments

shipment_table = dynamodb.Table(f"{TABLE_PREFIX}-shipments")


@dataclass
class Shipment:
    id: str
    order_id: Any
    carrier: Any
    tracking: Any
    eta: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Shipment":
        return cls(
            id=item["id"],
            order_id=item.get("order_id"),
            carrier=item.get("carrier"),
            tracking=item.get("tracking"),
            eta=item.get("eta"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_shipment(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"order_id", "carrier", "tracking", "eta"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_shipments(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = shipment_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Shipment.from_item(i)) for i in items[:limit]]}


def get_shipment(item_id: str) -> dict[str, Any]:
    result = shipment_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "shipment not found")
    return asdict(Shipment.from_item(item))


def create_shipment(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_shipment(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    shipment_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created shipment %s", item["id"])
    return asdict(Shipment.from_item(item))


def update_shipment(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_shipment(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = shipment_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "shipment not found") from exc
        raise
    return asdict(Shipment.from_item(result["Attributes"]))


def delete_shipment(item_id: str) -> dict[str, Any]:
    shipment_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted shipment %s", item_id)
    return {"deleted": item_id}


def shipments_by_order_id(value: str) -> list[dict[str, Any]]:
    result = shipment_table.query(
        IndexName="order_id-index",
        KeyConditionExpression=Key("order_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Shipment.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- refunds

refund_table = dynamodb.Table(f"{TABLE_PREFIX}-refunds")


@dataclass
class Refund:
    id: str
    order_id: Any
    amount: Any
    reason: Any
    approved: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Refund":
        return cls(
            id=item["id"],
            order_id=item.get("order_id"),
            amount=item.get("amount"),
            reason=item.get("reason"),
            approved=item.get("approved"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_refund(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"order_id", "amount", "reason", "approved"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_refunds(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = refund_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Refund.from_item(i)) for i in items[:limit]]}


def get_refund(item_id: str) -> dict[str, Any]:
    result = refund_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "refund not found")
    return asdict(Refund.from_item(item))


def create_refund(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_refund(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    refund_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created refund %s", item["id"])
    return asdict(Refund.from_item(item))


def update_refund(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_refund(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = refund_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "refund not found") from exc
        raise
    return asdict(Refund.from_item(result["Attributes"]))


def delete_refund(item_id: str) -> dict[str, Any]:
    refund_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted refund %s", item_id)
    return {"deleted": item_id}


def refunds_by_order_id(value: str) -> list[dict[str, Any]]:
    result = refund_table.query(
        IndexName="order_id-index",
        KeyConditionExpression=Key("order_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Refund.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- coupons

coupon_table = dynamodb.Table(f"{TABLE_PREFIX}-coupons")


@dataclass
class Coupon:
    id: str
    code: Any
    percent: Any
    expires: Any
    uses: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Coupon":
        return cls(
            id=item["id"],
            code=item.get("code"),
            percent=item.get("percent"),
            expires=item.get("expires"),
            uses=item.get("uses"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_coupon(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"code", "percent", "expires", "uses"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_coupons(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = coupon_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Coupon.from_item(i)) for i in items[:limit]]}


def get_coupon(item_id: str) -> dict[str, Any]:
    result = coupon_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "coupon not found")
    return asdict(Coupon.from_item(item))


def create_coupon(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_coupon(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    coupon_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created coupon %s", item["id"])
    return asdict(Coupon.from_item(item))


def update_coupon(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_coupon(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = coupon_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "coupon not found") from exc
        raise
    return asdict(Coupon.from_item(result["Attributes"]))


def delete_coupon(item_id: str) -> dict[str, Any]:
    coupon_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted coupon %s", item_id)
    return {"deleted": item_id}


def coupons_by_code(value: str) -> list[dict[str, Any]]:
    result = coupon_table.query(
        IndexName="code-index",
        KeyConditionExpression=Key("code").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Coupon.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- reviews

review_table = dynamodb.Table(f"{TABLE_PREFIX}-reviews")


@dataclass
class Review:
    id: str
    product_id: Any
    rating: Any
    text: Any
    author: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Review":
        return cls(
            id=item["id"],
            product_id=item.get("product_id"),
            rating=item.get("rating"),
            text=item.get("text"),
            author=item.get("author"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_review(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"product_id", "rating", "text", "author"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_reviews(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = review_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Review.from_item(i)) for i in items[:limit]]}


def get_review(item_id: str) -> dict[str, Any]:
    result = review_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "review not found")
    return asdict(Review.from_item(item))


def create_review(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_review(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    review_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created review %s", item["id"])
    return asdict(Review.from_item(item))


def update_review(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_review(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = review_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "review not found") from exc
        raise
    return asdict(Review.from_item(result["Attributes"]))


def delete_review(item_id: str) -> dict[str, Any]:
    review_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted review %s", item_id)
    return {"deleted": item_id}


def reviews_by_product_id(value: str) -> list[dict[str, Any]]:
    result = review_table.query(
        IndexName="product_id-index",
        KeyConditionExpression=Key("product_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Review.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- warehouses

warehouse_table = dynamodb.Table(f"{TABLE_PREFIX}-warehouses")


@dataclass
class Warehouse:
    id: str
    city: Any
    capacity: Any
    manager: Any
    open: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Warehouse":
        return cls(
            id=item["id"],
            city=item.get("city"),
            capacity=item.get("capacity"),
            manager=item.get("manager"),
            open=item.get("open"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_warehouse(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"city", "capacity", "manager", "open"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_warehouses(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = warehouse_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Warehouse.from_item(i)) for i in items[:limit]]}


def get_warehouse(item_id: str) -> dict[str, Any]:
    result = warehouse_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "warehouse not found")
    return asdict(Warehouse.from_item(item))


def create_warehouse(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_warehouse(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    warehouse_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created warehouse %s", item["id"])
    return asdict(Warehouse.from_item(item))


def update_warehouse(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_warehouse(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = warehouse_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "warehouse not found") from exc
        raise
    return asdict(Warehouse.from_item(result["Attributes"]))


def delete_warehouse(item_id: str) -> dict[str, Any]:
    warehouse_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted warehouse %s", item_id)
    return {"deleted": item_id}


def warehouses_by_city(value: str) -> list[dict[str, Any]]:
    result = warehouse_table.query(
        IndexName="city-index",
        KeyConditionExpression=Key("city").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Warehouse.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- suppliers

supplier_table = dynamodb.Table(f"{TABLE_PREFIX}-suppliers")


@dataclass
class Supplier:
    id: str
    name: Any
    email: Any
    country: Any
    rating: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Supplier":
        return cls(
            id=item["id"],
            name=item.get("name"),
            email=item.get("email"),
            country=item.get("country"),
            rating=item.get("rating"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_supplier(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"name", "email", "country", "rating"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_suppliers(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = supplier_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Supplier.from_item(i)) for i in items[:limit]]}


def get_supplier(item_id: str) -> dict[str, Any]:
    result = supplier_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "supplier not found")
    return asdict(Supplier.from_item(item))


def create_supplier(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_supplier(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    supplier_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created supplier %s", item["id"])
    return asdict(Supplier.from_item(item))


def update_supplier(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_supplier(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = supplier_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "supplier not found") from exc
        raise
    return asdict(Supplier.from_item(result["Attributes"]))


def delete_supplier(item_id: str) -> dict[str, Any]:
    supplier_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted supplier %s", item_id)
    return {"deleted": item_id}


def suppliers_by_name(value: str) -> list[dict[str, Any]]:
    result = supplier_table.query(
        IndexName="name-index",
        KeyConditionExpression=Key("name").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Supplier.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- carts

cart_table = dynamodb.Table(f"{TABLE_PREFIX}-carts")


@dataclass
class Cart:
    id: str
    customer_id: Any
    items: Any
    updated: Any
    total: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Cart":
        return cls(
            id=item["id"],
            customer_id=item.get("customer_id"),
            items=item.get("items"),
            updated=item.get("updated"),
            total=item.get("total"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_cart(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"customer_id", "items", "updated", "total"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_carts(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = cart_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Cart.from_item(i)) for i in items[:limit]]}


def get_cart(item_id: str) -> dict[str, Any]:
    result = cart_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "cart not found")
    return asdict(Cart.from_item(item))


def create_cart(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_cart(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    cart_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created cart %s", item["id"])
    return asdict(Cart.from_item(item))


def update_cart(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_cart(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = cart_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "cart not found") from exc
        raise
    return asdict(Cart.from_item(result["Attributes"]))


def delete_cart(item_id: str) -> dict[str, Any]:
    cart_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted cart %s", item_id)
    return {"deleted": item_id}


def carts_by_customer_id(value: str) -> list[dict[str, Any]]:
    result = cart_table.query(
        IndexName="customer_id-index",
        KeyConditionExpression=Key("customer_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Cart.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- payments

payment_table = dynamodb.Table(f"{TABLE_PREFIX}-payments")


@dataclass
class Payment:
    id: str
    order_id: Any
    method: Any
    amount: Any
    state: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Payment":
        return cls(
            id=item["id"],
            order_id=item.get("order_id"),
            method=item.get("method"),
            amount=item.get("amount"),
            state=item.get("state"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_payment(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"order_id", "method", "amount", "state"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_payments(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = payment_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Payment.from_item(i)) for i in items[:limit]]}


def get_payment(item_id: str) -> dict[str, Any]:
    result = payment_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "payment not found")
    return asdict(Payment.from_item(item))


def create_payment(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_payment(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    payment_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created payment %s", item["id"])
    return asdict(Payment.from_item(item))


def update_payment(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_payment(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = payment_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "payment not found") from exc
        raise
    return asdict(Payment.from_item(result["Attributes"]))


def delete_payment(item_id: str) -> dict[str, Any]:
    payment_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted payment %s", item_id)
    return {"deleted": item_id}


def payments_by_order_id(value: str) -> list[dict[str, Any]]:
    result = payment_table.query(
        IndexName="order_id-index",
        KeyConditionExpression=Key("order_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Payment.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- tickets

ticket_table = dynamodb.Table(f"{TABLE_PREFIX}-tickets")


@dataclass
class Ticket:
    id: str
    customer_id: Any
    subject: Any
    priority: Any
    state: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Ticket":
        return cls(
            id=item["id"],
            customer_id=item.get("customer_id"),
            subject=item.get("subject"),
            priority=item.get("priority"),
            state=item.get("state"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_ticket(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"customer_id", "subject", "priority", "state"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_tickets(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = ticket_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Ticket.from_item(i)) for i in items[:limit]]}


def get_ticket(item_id: str) -> dict[str, Any]:
    result = ticket_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "ticket not found")
    return asdict(Ticket.from_item(item))


def create_ticket(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_ticket(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    ticket_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created ticket %s", item["id"])
    return asdict(Ticket.from_item(item))


def update_ticket(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_ticket(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = ticket_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "ticket not found") from exc
        raise
    return asdict(Ticket.from_item(result["Attributes"]))


def delete_ticket(item_id: str) -> dict[str, Any]:
    ticket_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted ticket %s", item_id)
    return {"deleted": item_id}


def tickets_by_customer_id(value: str) -> list[dict[str, Any]]:
    result = ticket_table.query(
        IndexName="customer_id-index",
        KeyConditionExpression=Key("customer_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Ticket.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- subscriptions

subscription_table = dynamodb.Table(f"{TABLE_PREFIX}-subscriptions")


@dataclass
class Subscription:
    id: str
    customer_id: Any
    plan: Any
    renews: Any
    active: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Subscription":
        return cls(
            id=item["id"],
            customer_id=item.get("customer_id"),
            plan=item.get("plan"),
            renews=item.get("renews"),
            active=item.get("active"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_subscription(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"customer_id", "plan", "renews", "active"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_subscriptions(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = subscription_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Subscription.from_item(i)) for i in items[:limit]]}


def get_subscription(item_id: str) -> dict[str, Any]:
    result = subscription_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "subscription not found")
    return asdict(Subscription.from_item(item))


def create_subscription(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_subscription(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    subscription_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created subscription %s", item["id"])
    return asdict(Subscription.from_item(item))


def update_subscription(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_subscription(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = subscription_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "subscription not found") from exc
        raise
    return asdict(Subscription.from_item(result["Attributes"]))


def delete_subscription(item_id: str) -> dict[str, Any]:
    subscription_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted subscription %s", item_id)
    return {"deleted": item_id}


def subscriptions_by_customer_id(value: str) -> list[dict[str, Any]]:
    result = subscription_table.query(
        IndexName="customer_id-index",
        KeyConditionExpression=Key("customer_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Subscription.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- categorys

category_table = dynamodb.Table(f"{TABLE_PREFIX}-categorys")


@dataclass
class Category:
    id: str
    name: Any
    parent: Any
    slug: Any
    visible: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Category":
        return cls(
            id=item["id"],
            name=item.get("name"),
            parent=item.get("parent"),
            slug=item.get("slug"),
            visible=item.get("visible"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_category(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"name", "parent", "slug", "visible"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_categorys(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = category_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Category.from_item(i)) for i in items[:limit]]}


def get_category(item_id: str) -> dict[str, Any]:
    result = category_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "category not found")
    return asdict(Category.from_item(item))


def create_category(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_category(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    category_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created category %s", item["id"])
    return asdict(Category.from_item(item))


def update_category(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_category(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = category_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "category not found") from exc
        raise
    return asdict(Category.from_item(result["Attributes"]))


def delete_category(item_id: str) -> dict[str, Any]:
    category_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted category %s", item_id)
    return {"deleted": item_id}


def categorys_by_name(value: str) -> list[dict[str, Any]]:
    result = category_table.query(
        IndexName="name-index",
        KeyConditionExpression=Key("name").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Category.from_item(i)) for i in result.get("Items", [])]


# ---------------------------------------------------------------- addresss

address_table = dynamodb.Table(f"{TABLE_PREFIX}-addresss")


@dataclass
class Address:
    id: str
    customer_id: Any
    line1: Any
    city: Any
    postcode: Any
    created_at: str
    updated_at: str

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Address":
        return cls(
            id=item["id"],
            customer_id=item.get("customer_id"),
            line1=item.get("line1"),
            city=item.get("city"),
            postcode=item.get("postcode"),
            created_at=item.get("created_at", ""),
            updated_at=item.get("updated_at", ""),
        )


def validate_address(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    allowed = {"customer_id", "line1", "city", "postcode"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(unknown)}")
    if not partial:
        missing = [f for f in allowed if f not in data]
        if missing:
            raise ApiError(422, f"missing fields: {', '.join(sorted(missing))}")
    cleaned: dict[str, Any] = {}
    for field_name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 500:
                raise ApiError(422, f"{field_name} is too long")
        cleaned[field_name] = value
    return cleaned


def list_addresss(query: dict[str, str]) -> dict[str, Any]:
    limit = min(int(query.get("limit", "25")), MAX_PAGE_SIZE)
    kwargs: dict[str, Any] = {"Limit": limit}
    items: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = address_table.scan(**kwargs)
        items.extend(page.get("Items", []))
        if len(items) >= limit or "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {"items": [asdict(Address.from_item(i)) for i in items[:limit]]}


def get_address(item_id: str) -> dict[str, Any]:
    result = address_table.get_item(Key={"id": require_id(item_id)})
    item = result.get("Item")
    if item is None:
        raise ApiError(404, "address not found")
    return asdict(Address.from_item(item))


def create_address(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_address(data)
    stamp = now_iso()
    item = {"id": str(uuid.uuid4()), **cleaned, "created_at": stamp, "updated_at": stamp}
    address_table.put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    logger.info("created address %s", item["id"])
    return asdict(Address.from_item(item))


def update_address(item_id: str, data: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_address(data, partial=True)
    if not cleaned:
        raise ApiError(400, "nothing to update")
    names = {f"#f{i}": k for i, k in enumerate(cleaned)}
    values = {f":v{i}": v for i, v in enumerate(cleaned.values())}
    values[":u"] = now_iso()
    expression = ", ".join(f"#f{i} = :v{i}" for i in range(len(cleaned)))
    try:
        result = address_table.update_item(
            Key={"id": require_id(item_id)},
            UpdateExpression=f"SET {expression}, updated_at = :u",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConditionExpression="attribute_exists(id)",
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise ApiError(404, "address not found") from exc
        raise
    return asdict(Address.from_item(result["Attributes"]))


def delete_address(item_id: str) -> dict[str, Any]:
    address_table.delete_item(Key={"id": require_id(item_id)})
    logger.info("deleted address %s", item_id)
    return {"deleted": item_id}


def addresss_by_customer_id(value: str) -> list[dict[str, Any]]:
    result = address_table.query(
        IndexName="customer_id-index",
        KeyConditionExpression=Key("customer_id").eq(value),
        Limit=MAX_PAGE_SIZE,
    )
    return [asdict(Address.from_item(i)) for i in result.get("Items", [])]


Route = Callable[[dict[str, Any], dict[str, str], dict[str, str]], Any]

ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/orders"): lambda b, p, q: list_orders(q),
    ("POST", "/orders"): lambda b, p, q: create_order(b),
    ("GET", "/orders/{id}"): lambda b, p, q: get_order(p.get("id")),
    ("PATCH", "/orders/{id}"): lambda b, p, q: update_order(p.get("id"), b),
    ("DELETE", "/orders/{id}"): lambda b, p, q: delete_order(p.get("id")),
    ("GET", "/customers"): lambda b, p, q: list_customers(q),
    ("POST", "/customers"): lambda b, p, q: create_customer(b),
    ("GET", "/customers/{id}"): lambda b, p, q: get_customer(p.get("id")),
    ("PATCH", "/customers/{id}"): lambda b, p, q: update_customer(p.get("id"), b),
    ("DELETE", "/customers/{id}"): lambda b, p, q: delete_customer(p.get("id")),
    ("GET", "/products"): lambda b, p, q: list_products(q),
    ("POST", "/products"): lambda b, p, q: create_product(b),
    ("GET", "/products/{id}"): lambda b, p, q: get_product(p.get("id")),
    ("PATCH", "/products/{id}"): lambda b, p, q: update_product(p.get("id"), b),
    ("DELETE", "/products/{id}"): lambda b, p, q: delete_product(p.get("id")),
    ("GET", "/invoices"): lambda b, p, q: list_invoices(q),
    ("POST", "/invoices"): lambda b, p, q: create_invoice(b),
    ("GET", "/invoices/{id}"): lambda b, p, q: get_invoice(p.get("id")),
    ("PATCH", "/invoices/{id}"): lambda b, p, q: update_invoice(p.get("id"), b),
    ("DELETE", "/invoices/{id}"): lambda b, p, q: delete_invoice(p.get("id")),
    ("GET", "/shipments"): lambda b, p, q: list_shipments(q),
    ("POST", "/shipments"): lambda b, p, q: create_shipment(b),
    ("GET", "/shipments/{id}"): lambda b, p, q: get_shipment(p.get("id")),
    ("PATCH", "/shipments/{id}"): lambda b, p, q: update_shipment(p.get("id"), b),
    ("DELETE", "/shipments/{id}"): lambda b, p, q: delete_shipment(p.get("id")),
    ("GET", "/refunds"): lambda b, p, q: list_refunds(q),
    ("POST", "/refunds"): lambda b, p, q: create_refund(b),
    ("GET", "/refunds/{id}"): lambda b, p, q: get_refund(p.get("id")),
    ("PATCH", "/refunds/{id}"): lambda b, p, q: update_refund(p.get("id"), b),
    ("DELETE", "/refunds/{id}"): lambda b, p, q: delete_refund(p.get("id")),
    ("GET", "/coupons"): lambda b, p, q: list_coupons(q),
    ("POST", "/coupons"): lambda b, p, q: create_coupon(b),
    ("GET", "/coupons/{id}"): lambda b, p, q: get_coupon(p.get("id")),
    ("PATCH", "/coupons/{id}"): lambda b, p, q: update_coupon(p.get("id"), b),
    ("DELETE", "/coupons/{id}"): lambda b, p, q: delete_coupon(p.get("id")),
    ("GET", "/reviews"): lambda b, p, q: list_reviews(q),
    ("POST", "/reviews"): lambda b, p, q: create_review(b),
    ("GET", "/reviews/{id}"): lambda b, p, q: get_review(p.get("id")),
    ("PATCH", "/reviews/{id}"): lambda b, p, q: update_review(p.get("id"), b),
    ("DELETE", "/reviews/{id}"): lambda b, p, q: delete_review(p.get("id")),
    ("GET", "/warehouses"): lambda b, p, q: list_warehouses(q),
    ("POST", "/warehouses"): lambda b, p, q: create_warehouse(b),
    ("GET", "/warehouses/{id}"): lambda b, p, q: get_warehouse(p.get("id")),
    ("PATCH", "/warehouses/{id}"): lambda b, p, q: update_warehouse(p.get("id"), b),
    ("DELETE", "/warehouses/{id}"): lambda b, p, q: delete_warehouse(p.get("id")),
    ("GET", "/suppliers"): lambda b, p, q: list_suppliers(q),
    ("POST", "/suppliers"): lambda b, p, q: create_supplier(b),
    ("GET", "/suppliers/{id}"): lambda b, p, q: get_supplier(p.get("id")),
    ("PATCH", "/suppliers/{id}"): lambda b, p, q: update_supplier(p.get("id"), b),
    ("DELETE", "/suppliers/{id}"): lambda b, p, q: delete_supplier(p.get("id")),
    ("GET", "/carts"): lambda b, p, q: list_carts(q),
    ("POST", "/carts"): lambda b, p, q: create_cart(b),
    ("GET", "/carts/{id}"): lambda b, p, q: get_cart(p.get("id")),
    ("PATCH", "/carts/{id}"): lambda b, p, q: update_cart(p.get("id"), b),
    ("DELETE", "/carts/{id}"): lambda b, p, q: delete_cart(p.get("id")),
    ("GET", "/payments"): lambda b, p, q: list_payments(q),
    ("POST", "/payments"): lambda b, p, q: create_payment(b),
    ("GET", "/payments/{id}"): lambda b, p, q: get_payment(p.get("id")),
    ("PATCH", "/payments/{id}"): lambda b, p, q: update_payment(p.get("id"), b),
    ("DELETE", "/payments/{id}"): lambda b, p, q: delete_payment(p.get("id")),
    ("GET", "/tickets"): lambda b, p, q: list_tickets(q),
    ("POST", "/tickets"): lambda b, p, q: create_ticket(b),
    ("GET", "/tickets/{id}"): lambda b, p, q: get_ticket(p.get("id")),
    ("PATCH", "/tickets/{id}"): lambda b, p, q: update_ticket(p.get("id"), b),
    ("DELETE", "/tickets/{id}"): lambda b, p, q: delete_ticket(p.get("id")),
    ("GET", "/subscriptions"): lambda b, p, q: list_subscriptions(q),
    ("POST", "/subscriptions"): lambda b, p, q: create_subscription(b),
    ("GET", "/subscriptions/{id}"): lambda b, p, q: get_subscription(p.get("id")),
    ("PATCH", "/subscriptions/{id}"): lambda b, p, q: update_subscription(p.get("id"), b),
    ("DELETE", "/subscriptions/{id}"): lambda b, p, q: delete_subscription(p.get("id")),
    ("GET", "/categorys"): lambda b, p, q: list_categorys(q),
    ("POST", "/categorys"): lambda b, p, q: create_category(b),
    ("GET", "/categorys/{id}"): lambda b, p, q: get_category(p.get("id")),
    ("PATCH", "/categorys/{id}"): lambda b, p, q: update_category(p.get("id"), b),
    ("DELETE", "/categorys/{id}"): lambda b, p, q: delete_category(p.get("id")),
    ("GET", "/addresss"): lambda b, p, q: list_addresss(q),
    ("POST", "/addresss"): lambda b, p, q: create_address(b),
    ("GET", "/addresss/{id}"): lambda b, p, q: get_address(p.get("id")),
    ("PATCH", "/addresss/{id}"): lambda b, p, q: update_address(p.get("id"), b),
    ("DELETE", "/addresss/{id}"): lambda b, p, q: delete_address(p.get("id")),
}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = event.get("httpMethod", "GET")
    resource = event.get("resource", "/")
    params = event.get("pathParameters") or {}
    query = event.get("queryStringParameters") or {}
    route = ROUTES.get((method, resource))
    if route is None:
        return respond(404, {"error": f"no route for {method} {resource}"})
    try:
        body = parse_body(event) if method in ("POST", "PUT", "PATCH") else {}
        result = route(body, params, query)
    except ApiError as exc:
        return respond(exc.status, {"error": exc.message})
    except ClientError:
        logger.exception("DynamoDB request failed (request %s)", getattr(context, "aws_request_id", "-"))
        return respond(502, {"error": "storage unavailable"})
    status = 201 if method == "POST" else 200
    return respond(status, result)
