//! The graph the frontend draws: flat nodes and `smoothstep` edges (frontend contract §4.1–4.3).
//!
//! Built from the [`Plan`](crate::Plan) and the catalog only, so it cannot disagree with the code:
//! every credential a node asks for is a placeholder of the code and of `credentials_needed`.

use serde::{Deserialize, Serialize};

/// Horizontal distance between columns.
const COLUMN_WIDTH: f64 = 320.0;
/// Vertical distance between the main line and a conditional branch.
const BRANCH_OFFSET: f64 = 180.0;
/// The y of the main line.
const MAIN_Y: f64 = 120.0;

/// Nodes and edges, as `POST /workflows/generate` returns them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Where a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Trigger,
    Action,
    Condition,
    Loop,
}

/// One credential field the frontend renders on a node (`CredentialRequirement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialField {
    /// Lower-case placeholder name (`slack_bot_token`); the frontend keys values by
    /// `<nodeId>_<id>`.
    pub id: String,
    /// `password` for secrets, `text` otherwise.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub description: String,
    pub required: bool,
    pub placeholder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_url: Option<String>,
}

/// A flat node (fields at the top level, not inside `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: NodeKind,
    pub position: Position,
    pub name: String,
    pub description: String,
    /// Catalog id of the tool (`slack`), or `webhook`/`schedule`/`logic` for built-ins.
    pub service_type: String,
    /// `webhook`, `payment`, `verified`, `email`, `storage` or `other`.
    pub icon: String,
    pub required_credentials: Vec<CredentialField>,
}

/// An edge between two nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub id: String,
    pub source: String,
    pub target: String,
    /// Always `smoothstep`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Lays nodes out left to right; branches go below the main line.
#[derive(Debug, Default)]
pub(crate) struct GraphBuilder {
    graph: Graph,
    column: u32,
}

impl GraphBuilder {
    /// Adds a node on the main line, in the next column.
    pub(crate) fn main(&mut self, mut node: Node) -> String {
        node.position = Position {
            x: f64::from(self.column) * COLUMN_WIDTH,
            y: MAIN_Y,
        };
        self.column += 1;
        let id = node.id.clone();
        self.graph.nodes.push(node);
        id
    }

    /// Adds a node below the main line, in the column after the last main node.
    pub(crate) fn branch(&mut self, mut node: Node) -> String {
        node.position = Position {
            x: f64::from(self.column) * COLUMN_WIDTH,
            y: MAIN_Y + BRANCH_OFFSET,
        };
        let id = node.id.clone();
        self.graph.nodes.push(node);
        id
    }

    pub(crate) fn edge(&mut self, source: &str, target: &str, label: Option<&str>) {
        let id = format!("e_{source}_{target}");
        self.graph.edges.push(Edge {
            id,
            source: source.to_owned(),
            target: target.to_owned(),
            kind: "smoothstep".to_owned(),
            label: label.map(str::to_owned),
        });
    }

    pub(crate) fn finish(self) -> Graph {
        self.graph
    }
}

/// A node with a position to be set by the [`GraphBuilder`].
pub(crate) fn node(
    id: String,
    kind: NodeKind,
    name: String,
    description: String,
    service_type: String,
    icon: String,
    required_credentials: Vec<CredentialField>,
) -> Node {
    Node {
        id,
        kind,
        position: Position { x: 0.0, y: 0.0 },
        name,
        description,
        service_type,
        icon,
        required_credentials,
    }
}
