//! `src/schema.rs` against the migrations. Both are written by hand, so they can drift: a
//! column added by a migration but not declared, a type or nullability that differs, a table
//! one of the two backends lacks. This applies every migration to a fresh SQLite database and
//! to a fresh PostgreSQL one (skipped, with a message, when none answers outside CI), reads
//! back each table's primary key and columns (name, type, nullability), and compares them with
//! the `diesel::table!` declarations of `src/schema.rs`.
//!
//! `cargo xtask schema --check` runs it (so does `cargo xtask ci`, and any test run with the
//! `test-util` feature); `cargo xtask schema` prints the declarations the migrations imply
//! (`CUE_SCHEMA_PRINT=1`), to paste into `src/schema.rs` after adding a migration.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use cue_store::Backend;
use cue_store::testing::{TestDatabase, fresh_database};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{PgConnection, SqliteConnection};

const SCHEMA_RS: &str = include_str!("../src/schema.rs");

/// One table as diesel declares it: the primary key in order, and each column's diesel type
/// (`Nullable<Text>`), in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Table {
    primary_key: Vec<String>,
    columns: Vec<(String, String)>,
}

type Schema = BTreeMap<String, Table>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_rs_matches_the_migrations_on_both_backends() {
    let declared = parse_schema_rs(SCHEMA_RS);
    assert!(!declared.is_empty(), "no diesel::table! found in schema.rs");
    let print = std::env::var_os("CUE_SCHEMA_PRINT").is_some();
    let mut problems = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(db) = fresh_database(backend).await else {
            continue;
        };
        let migrated = migrated_schema(&db).await;
        if print {
            println!(
                "// what the {backend} migrations imply\n{}",
                render(&migrated)
            );
        }
        problems.extend(
            differences(&declared, &migrated)
                .into_iter()
                .map(|d| format!("{backend}: {d}")),
        );
        if !problems.is_empty() && !print {
            eprintln!(
                "what the {backend} migrations imply:\n{}",
                render(&migrated)
            );
        }
    }
    assert!(
        problems.is_empty(),
        "src/schema.rs and the migrations differ:\n  {}",
        problems.join("\n  ")
    );
}

/// Applies the migrations and reads back what they made.
async fn migrated_schema(db: &TestDatabase) -> Schema {
    db.migrated_store().await.close();
    let url = db.url().to_owned();
    let backend = db.backend();
    tokio::task::spawn_blocking(move || {
        let rows = match backend {
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(&url);
                let mut conn = SqliteConnection::establish(path).expect("open the SQLite file");
                // The store's connections may still be closing (a checkpoint locks the file).
                diesel::sql_query("PRAGMA busy_timeout = 5000")
                    .execute(&mut conn)
                    .expect("set busy_timeout");
                diesel::sql_query(SQLITE_COLUMNS).load::<ColumnRow>(&mut conn)
            }
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&url).expect("connect to PostgreSQL");
                diesel::sql_query(POSTGRES_COLUMNS).load::<ColumnRow>(&mut conn)
            }
        };
        schema_of(rows.expect("read the columns"))
    })
    .await
    .unwrap()
}

#[derive(QueryableByName, Debug)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    /// `YES` or `NO`.
    #[diesel(sql_type = Text)]
    nullable: String,
    /// The column's place in the primary key from 1, or 0.
    #[diesel(sql_type = Text)]
    key_position: String,
}

const SQLITE_COLUMNS: &str = "\
    SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
           CASE WHEN p.\"notnull\" = 1 THEN 'NO' ELSE 'YES' END AS nullable, \
           CAST(p.pk AS TEXT) AS key_position \
    FROM sqlite_master m JOIN pragma_table_info(m.name) p \
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
    ORDER BY m.name, p.cid";

const POSTGRES_COLUMNS: &str = "\
    SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
           c.data_type::text AS data_type, c.is_nullable::text AS nullable, \
           COALESCE((SELECT k.ordinal_position \
                     FROM information_schema.table_constraints t \
                     JOIN information_schema.key_column_usage k \
                       ON k.constraint_name = t.constraint_name \
                      AND k.table_schema = t.table_schema AND k.table_name = t.table_name \
                     WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema \
                       AND t.table_name = c.table_name AND k.column_name = c.column_name), \
                    0)::text AS key_position \
    FROM information_schema.columns c \
    WHERE c.table_schema = 'public' \
    ORDER BY c.table_name, c.ordinal_position";

/// The diesel type of a column as the database reports it.
fn diesel_type(sql_type: &str, nullable: bool) -> String {
    let base = match sql_type.to_ascii_lowercase().as_str() {
        "text" | "character varying" | "varchar" => "Text".to_owned(),
        "boolean" | "bool" => "Bool".to_owned(),
        "smallint" | "int2" => "SmallInt".to_owned(),
        "integer" | "int" | "int4" => "Integer".to_owned(),
        "bigint" | "int8" => "BigInt".to_owned(),
        "real" | "float4" => "Float".to_owned(),
        "double precision" | "double" | "float8" => "Double".to_owned(),
        "timestamp" | "timestamp without time zone" => "Timestamp".to_owned(),
        "timestamp with time zone" | "timestamptz" => "Timestamptz".to_owned(),
        "date" => "Date".to_owned(),
        "bytea" | "blob" => "Binary".to_owned(),
        other => format!("<SQL type {other:?}, not mapped here>"),
    };
    if nullable {
        format!("Nullable<{base}>")
    } else {
        base
    }
}

fn schema_of(rows: Vec<ColumnRow>) -> Schema {
    let mut schema = Schema::new();
    let mut keys: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for row in rows {
        if row.table_name == "__diesel_schema_migrations" {
            continue;
        }
        let position: u32 = row.key_position.parse().expect("a key position");
        if position > 0 {
            keys.entry(row.table_name.clone())
                .or_default()
                .push((position, row.column_name.clone()));
        }
        let ty = diesel_type(&row.data_type, row.nullable == "YES");
        schema
            .entry(row.table_name)
            .or_default()
            .columns
            .push((row.column_name, ty));
    }
    for (table, mut key) in keys {
        key.sort();
        schema.entry(table).or_default().primary_key = key.into_iter().map(|(_, c)| c).collect();
    }
    schema
}

/// The `diesel::table! { name (key, ...) { column -> Type, ... } }` blocks of `text`.
fn parse_schema_rs(text: &str) -> Schema {
    let mut schema = Schema::new();
    for block in text.split("diesel::table! {").skip(1) {
        let (head, rest) = block.split_once('{').expect("a table! body");
        let (name, key) = head.trim().split_once('(').expect("table (primary key)");
        let key = key.trim().trim_end_matches(')');
        let body = rest.split_once('}').expect("the end of the table! body").0;
        let columns = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#'))
            .map(|l| {
                let (column, ty) = l.split_once("->").expect("column -> Type");
                (
                    column.trim().to_owned(),
                    ty.trim().trim_end_matches(',').replace(' ', ""),
                )
            })
            .collect();
        schema.insert(
            name.trim().to_owned(),
            Table {
                primary_key: key
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                columns,
            },
        );
    }
    schema
}

/// What differs, one line each, by table and column name; column order does not matter
/// (diesel names every column it selects).
fn differences(declared: &Schema, migrated: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let tables: BTreeSet<&String> = declared.keys().chain(migrated.keys()).collect();
    for name in tables {
        let (d, m) = match (declared.get(name), migrated.get(name)) {
            (Some(d), Some(m)) => (d, m),
            (Some(_), None) => {
                out.push(format!(
                    "table {name} is declared but no migration creates it"
                ));
                continue;
            }
            _ => {
                out.push(format!("table {name} is created but not declared"));
                continue;
            }
        };
        if d.primary_key != m.primary_key {
            out.push(format!(
                "table {name}: primary key ({}) declared, ({}) created",
                d.primary_key.join(", "),
                m.primary_key.join(", ")
            ));
        }
        let d_cols: BTreeMap<_, _> = d.columns.iter().cloned().collect();
        let m_cols: BTreeMap<_, _> = m.columns.iter().cloned().collect();
        let columns: BTreeSet<&String> = d_cols.keys().chain(m_cols.keys()).collect();
        for column in columns {
            match (d_cols.get(column), m_cols.get(column)) {
                (Some(dt), Some(mt)) if dt != mt => out.push(format!(
                    "table {name}: column {column} is declared {dt}, created {mt}"
                )),
                (Some(_), None) => out.push(format!(
                    "table {name}: column {column} is declared but not created"
                )),
                (None, Some(mt)) => out.push(format!(
                    "table {name}: column {column} ({mt}) is created but not declared"
                )),
                _ => {}
            }
        }
    }
    out
}

/// `schema` as `diesel::table!` declarations.
fn render(schema: &Schema) -> String {
    let mut out = String::new();
    for (name, table) in schema {
        let _ = writeln!(
            out,
            "diesel::table! {{\n    {name} ({}) {{",
            table.primary_key.join(", ")
        );
        for (column, ty) in &table.columns {
            let _ = writeln!(out, "        {column} -> {ty},");
        }
        out.push_str("    }\n}\n\n");
    }
    out
}

#[test]
fn a_drift_is_reported_in_words() {
    let declared = parse_schema_rs(
        "diesel::table! {\n    users (id) {\n        id -> Text,\n        email -> Nullable<Text>,\n        \
         gone -> Integer,\n    }\n}\n\ndiesel::table! {\n    old (id) {\n        id -> Text,\n    }\n}\n",
    );
    let migrated: Schema = [
        (
            "users".to_owned(),
            Table {
                primary_key: vec!["id".into(), "email".into()],
                columns: vec![
                    ("email".into(), "Text".into()),
                    ("id".into(), "Text".into()),
                    ("added".into(), "BigInt".into()),
                ],
            },
        ),
        ("new".to_owned(), Table::default()),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        differences(&declared, &migrated),
        [
            "table new is created but not declared",
            "table old is declared but no migration creates it",
            "table users: primary key (id) declared, (id, email) created",
            "table users: column added (BigInt) is created but not declared",
            "table users: column email is declared Nullable<Text>, created Text",
            "table users: column gone is declared but not created",
        ]
    );
    assert_eq!(differences(&declared, &declared), Vec::<String>::new());
    assert_eq!(parse_schema_rs(&render(&migrated)), migrated);
}
