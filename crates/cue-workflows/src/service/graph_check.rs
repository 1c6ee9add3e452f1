//! What a stored graph must look like: the shape the frontend reads back (its React Flow nodes
//! and edges, `/work/shared/spec/frontend-api.md` §4.1–4.2) and that the API's own schema
//! promises (`nodes` and `edges` are arrays of objects). A graph a client writes is checked
//! before it is stored, so a later read never answers with a body that breaks the schema or
//! a canvas that crashes the browser.
//!
//! Checked: nodes and edges are objects; every node has a non-empty string `id`, unique in
//! the graph; every edge has a string `id` and a `source` and `target` naming nodes of the
//! graph; the fields the frontend reads, when present, have the type it expects; counts are
//! bounded. Other fields are kept as they are (the frontend stores its own state there).

use serde_json::{Map, Value};

use crate::error::WorkflowError;

/// Most nodes a stored graph may hold (generated workflows have a handful).
pub const MAX_GRAPH_NODES: usize = 200;
/// Most edges a stored graph may hold.
pub const MAX_GRAPH_EDGES: usize = 400;
/// Longest node or edge id, in characters.
pub const MAX_GRAPH_ID_CHARS: usize = 200;

/// Text fields the frontend renders, on a node or in its `data` (a saved React Flow node
/// keeps them there).
const NODE_TEXT_FIELDS: [&str; 6] = [
    "name",
    "description",
    "serviceType",
    "icon",
    "validationMessage",
    "label",
];

/// Checks `graph` (`{"nodes": [...], "edges": [...]}`); the error says what is wrong where.
pub fn check_graph(graph: &Value) -> Result<(), WorkflowError> {
    let Value::Object(graph) = graph else {
        return Err(invalid("the graph must be an object with nodes and edges"));
    };
    let nodes = array(graph, "nodes")?;
    let edges = array(graph, "edges")?;
    if nodes.len() > MAX_GRAPH_NODES {
        return Err(invalid(format!(
            "a graph may hold at most {MAX_GRAPH_NODES} nodes"
        )));
    }
    if edges.len() > MAX_GRAPH_EDGES {
        return Err(invalid(format!(
            "a graph may hold at most {MAX_GRAPH_EDGES} edges"
        )));
    }
    let mut ids = std::collections::HashSet::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let where_ = format!("nodes[{i}]");
        let node = object(node, &where_)?;
        let id = id(node, "id", &where_)?;
        if !ids.insert(id) {
            return Err(invalid(format!(
                "{where_}.id {id:?} is used by another node"
            )));
        }
        check_node_fields(node, &where_)?;
        if let Some(data) = node.get("data") {
            check_node_fields(object(data, &format!("{where_}.data"))?, &where_)?;
        }
    }
    for (i, edge) in edges.iter().enumerate() {
        let where_ = format!("edges[{i}]");
        let edge = object(edge, &where_)?;
        id(edge, "id", &where_)?;
        for end in ["source", "target"] {
            let node = id(edge, end, &where_)?;
            if !ids.contains(node) {
                return Err(invalid(format!(
                    "{where_}.{end} {node:?} is not the id of a node"
                )));
            }
        }
        optional(edge, "type", &where_, Value::is_string, "a string")?;
        optional(edge, "label", &where_, Value::is_string, "a string")?;
        optional(
            edge,
            "animated",
            &where_,
            Value::is_boolean,
            "true or false",
        )?;
    }
    Ok(())
}

fn check_node_fields(node: &Map<String, Value>, where_: &str) -> Result<(), WorkflowError> {
    for field in NODE_TEXT_FIELDS {
        optional(node, field, where_, Value::is_string, "a string")?;
    }
    if let Some(position) = node.get("position") {
        let at = format!("{where_}.position");
        let position = object(position, &at)?;
        for axis in ["x", "y"] {
            if !position.get(axis).is_some_and(Value::is_number) {
                return Err(invalid(format!("{at}.{axis} must be a number")));
            }
        }
    }
    if let Some(credentials) = node.get("requiredCredentials") {
        let at = format!("{where_}.requiredCredentials");
        let Value::Array(credentials) = credentials else {
            return Err(invalid(format!("{at} must be an array")));
        };
        for (i, credential) in credentials.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let credential = object(credential, &at)?;
            // The frontend derives `<nodeId>_<id>` and lower-cases `name`.
            id(credential, "id", &at)?;
            if !credential.get("name").is_some_and(Value::is_string) {
                return Err(invalid(format!("{at}.name must be a string")));
            }
        }
    }
    Ok(())
}

fn array<'a>(graph: &'a Map<String, Value>, field: &str) -> Result<&'a [Value], WorkflowError> {
    match graph.get(field) {
        Some(Value::Array(items)) => Ok(items),
        None => Ok(&[]),
        Some(_) => Err(invalid(format!("{field} must be an array of objects"))),
    }
}

fn object<'a>(value: &'a Value, where_: &str) -> Result<&'a Map<String, Value>, WorkflowError> {
    value
        .as_object()
        .ok_or_else(|| invalid(format!("{where_} must be an object")))
}

/// A non-empty string of at most [`MAX_GRAPH_ID_CHARS`] characters.
fn id<'a>(
    item: &'a Map<String, Value>,
    field: &str,
    where_: &str,
) -> Result<&'a str, WorkflowError> {
    match item.get(field).and_then(Value::as_str) {
        Some(id) if !id.is_empty() && id.chars().count() <= MAX_GRAPH_ID_CHARS => Ok(id),
        _ => Err(invalid(format!(
            "{where_}.{field} must be a non-empty string of at most {MAX_GRAPH_ID_CHARS} characters"
        ))),
    }
}

fn optional(
    item: &Map<String, Value>,
    field: &str,
    where_: &str,
    ok: fn(&Value) -> bool,
    expected: &str,
) -> Result<(), WorkflowError> {
    match item.get(field) {
        Some(value) if !ok(value) => Err(invalid(format!("{where_}.{field} must be {expected}"))),
        _ => Ok(()),
    }
}

fn invalid(message: impl Into<String>) -> WorkflowError {
    WorkflowError::InvalidGraph(message.into())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(id: &str) -> Value {
        json!({"id": id, "type": "custom", "position": {"x": 0, "y": 1.5},
               "data": {"name": "Stripe", "description": "d", "serviceType": "stripe",
                        "requiredCredentials": [{"id": "stripe_secret_key", "name": "Key"}]}})
    }

    #[test]
    fn the_frontends_graphs_and_generated_ones_pass() {
        for graph in [
            json!({"nodes": [], "edges": []}),
            json!({"nodes": [node("1"), node("2")],
                   "edges": [{"id": "e1", "source": "1", "target": "2", "type": "smoothstep", "animated": true}]}),
            // Generated nodes are flat; unknown fields are the frontend's own.
            json!({"nodes": [{"id": "a", "name": "Schedule", "icon": "clock", "extra": [1, {"x": null}]}],
                   "edges": []}),
            json!({"nodes": [{"id": "a"}]}),
        ] {
            check_graph(&graph).unwrap();
        }
    }

    #[test]
    fn malformed_graphs_are_refused_saying_where() {
        let too_many_nodes: Vec<Value> = (0..=MAX_GRAPH_NODES)
            .map(|i| node(&i.to_string()))
            .collect();
        let too_many_edges: Vec<Value> = (0..=MAX_GRAPH_EDGES)
            .map(|i| json!({"id": format!("e{i}"), "source": "1", "target": "1"}))
            .collect();
        let cases = [
            (json!(["x"]), "the graph must be an object"),
            (json!({"nodes": "x"}), "nodes must be an array"),
            (
                json!({"nodes": ["x", 3], "edges": []}),
                "nodes[0] must be an object",
            ),
            (
                json!({"nodes": [{}], "edges": []}),
                "nodes[0].id must be a non-empty string",
            ),
            (json!({"nodes": [{"id": 7}]}), "nodes[0].id must be"),
            (json!({"nodes": [{"id": ""}]}), "nodes[0].id must be"),
            (
                json!({"nodes": [{"id": "x".repeat(201)}]}),
                "nodes[0].id must be",
            ),
            (
                json!({"nodes": [node("1"), node("1")]}),
                "nodes[1].id \"1\" is used by another node",
            ),
            (
                json!({"nodes": [{"id": "1", "name": 3}]}),
                "nodes[0].name must be a string",
            ),
            (
                json!({"nodes": [{"id": "1", "data": {"description": []}}]}),
                "nodes[0].description must be a string",
            ),
            (
                json!({"nodes": [{"id": "1", "data": "x"}]}),
                "nodes[0].data must be an object",
            ),
            (
                json!({"nodes": [{"id": "1", "position": {"x": "0", "y": 0}}]}),
                "nodes[0].position.x must be a number",
            ),
            (
                json!({"nodes": [{"id": "1", "requiredCredentials": [{"id": "k"}]}]}),
                "requiredCredentials[0].name must be a string",
            ),
            (
                json!({"nodes": [node("1")], "edges": [false]}),
                "edges[0] must be an object",
            ),
            (
                json!({"nodes": [node("1")], "edges": [{"id": "e", "source": "1", "target": "2"}]}),
                "edges[0].target \"2\" is not the id of a node",
            ),
            (
                json!({"nodes": [node("1")], "edges": [{"id": "e", "source": "1"}]}),
                "edges[0].target must be",
            ),
            (
                json!({"nodes": [node("1")], "edges": [{"source": "1", "target": "1"}]}),
                "edges[0].id must be",
            ),
            (
                json!({"nodes": [node("1")], "edges": [{"id": "e", "source": "1", "target": "1", "animated": "yes"}]}),
                "edges[0].animated must be true or false",
            ),
            (json!({"nodes": too_many_nodes}), "at most 200 nodes"),
            (
                json!({"nodes": [node("1")], "edges": too_many_edges}),
                "at most 400 edges",
            ),
        ];
        for (graph, message) in cases {
            let err = check_graph(&graph).unwrap_err();
            assert!(matches!(err, WorkflowError::InvalidGraph(_)), "{err:?}");
            assert!(err.to_string().contains(message), "{graph}: {err}");
        }
    }
}
