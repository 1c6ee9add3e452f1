//! Embeds the tool catalog: one JSON file per tool under `data/catalog/tools/`, listed here so
//! that adding a file is enough to add a tool (no index to keep in step by hand).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("data/catalog/tools");
    println!("cargo::rerun-if-changed=data/catalog");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut out = String::from(
        "/// `(tool id, file contents)` for every file in `data/catalog/tools/`, sorted by id.\n",
    );
    out.push_str("pub(crate) const TOOL_FILES: &[(&str, &str)] = &[\n");
    for id in &files {
        let _ = writeln!(
            out,
            "    ({id:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/data/catalog/tools/{id}.json\"))),"
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}")))
        .join("catalog_files.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}
