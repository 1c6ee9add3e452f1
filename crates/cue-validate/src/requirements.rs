//! Reading the distribution names a `requirements.txt` declares.

use rustc_hash::FxHashSet as HashSet;

/// Normalises a distribution name per PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            pending_dash = !out.is_empty();
        } else {
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The normalised distribution names declared in a requirements file. Options (`-r`, `-e`,
/// `--index-url`, ...), comments, environment markers, extras, versions and URLs are skipped;
/// `name @ url` and `...#egg=name` yield `name`.
pub(crate) fn declared(requirements: &str) -> HashSet<String> {
    let mut names = HashSet::default();
    for raw in requirements.lines() {
        let line = match raw.find(" #").or_else(|| raw.starts_with('#').then_some(0)) {
            Some(pos) => &raw[..pos],
            None => raw,
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(pos) = line.find("#egg=") {
            let egg = &line[pos + 5..];
            let end = egg.find(['&', ' ', '[']).unwrap_or(egg.len());
            names.insert(normalize(&egg[..end]));
            continue;
        }
        if line.starts_with('-') || line.contains("://") && !line.contains(" @ ") {
            continue;
        }
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(line.len());
        let name = &line[..end];
        if !name.is_empty() {
            names.insert(normalize(name));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_follows_pep_503() {
        for (input, expected) in [
            ("PyYAML", "pyyaml"),
            ("slack_sdk", "slack-sdk"),
            ("Foo.Bar__baz", "foo-bar-baz"),
            ("python-dateutil", "python-dateutil"),
        ] {
            assert_eq!(normalize(input), expected);
        }
    }

    #[test]
    fn declared_reads_names_and_skips_the_rest() {
        let text = "\
# comment
requests==2.32.3
PyYAML>=6 ; python_version >= '3.10'
slack_sdk[optional]~=3.27  # trailing comment
-r other.txt
--index-url https://example.invalid/simple
-e git+https://example.invalid/x.git#egg=my_pkg
pypdf @ https://example.invalid/pypdf.whl

httpx
";
        let names = declared(text);
        for expected in [
            "requests",
            "pyyaml",
            "slack-sdk",
            "my-pkg",
            "pypdf",
            "httpx",
        ] {
            assert!(names.contains(expected), "{expected} in {names:?}");
        }
        assert_eq!(names.len(), 6, "{names:?}");
    }
}
