//! The layering of the `app` crate, checked on its source: every module imports only from its
//! own layer or the ones below, features never import one another, and the server modules have
//! no import cycle. The layers, lowest first:
//!
//! 0. `domain` and `error`: pure rules and the one error type, for the server and the browser;
//! 1. `server::store`: entities, typed statuses, transactions with their audit entry, shared queries;
//! 2. the adapters `server::{mail, live, processors, secrets, csp}` and the state in `server` itself;
//! 3. `server::access`: sessions, the actor, the request context and the access checks;
//! 4. `server::services::*`: one module per feature, none importing another;
//! 5. `api`: the server functions;
//! 6. `pages`, `routes` and the crate root: the UI.
//!
//! Code after `#[cfg(test)]` in a file (its unit tests) is not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's layer, and for a feature its name (features may not import one another).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layer {
    rank: u8,
    feature: Option<String>,
}

fn layer_of(module: &str) -> Layer {
    let parts: Vec<&str> = module.split("::").collect();
    let plain = |rank| Layer {
        rank,
        feature: None,
    };
    match parts.as_slice() {
        ["crate", "domain", ..] | ["crate", "error", ..] => plain(0),
        ["crate", "server", "store", ..] => plain(1),
        ["crate", "server"] => plain(2),
        ["crate", "server", "mail" | "live" | "processors" | "secrets" | "csp", ..] => plain(2),
        ["crate", "server", "access", ..] => plain(3),
        ["crate", "server", "services"] => plain(4),
        ["crate", "server", "services", feature, ..] => Layer {
            rank: 4,
            feature: Some((*feature).to_string()),
        },
        ["crate", "api", ..] => plain(5),
        ["crate", "pages", ..] | ["crate", "routes"] | ["crate"] => plain(6),
        other => panic!(
            "module {} has no layer: add it to layer_of",
            other.join("::")
        ),
    }
}

/// Every module of `src`, by path (`crate::server::store::txn`), with its file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, PathBuf>) {
        for entry in fs::read_dir(dir).expect("readable source folder") {
            let path = entry.expect("folder entry").path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                walk(&path, &format!("{prefix}::{name}"), out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let module = match name.as_str() {
                    "lib" | "mod" => prefix.to_string(),
                    _ => format!("{prefix}::{name}"),
                };
                out.insert(module, path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, "crate", &mut out);
    out
}

/// The code of a file without comments and without its unit tests.
fn checked_code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |e| format!("{prefix}{e}")))
        .collect()
}

/// The paths a module's code names, made absolute (`crate::…`).
fn referenced_paths(module: &str, code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    // `use` trees, which may span lines and nest braces.
    let lines: Vec<&str> = code.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_start();
        let tree = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|start| line.strip_prefix(start));
        if let Some(tree) = tree {
            let mut text = tree.to_string();
            let mut next = i + 1;
            while !text.contains(';') && next < lines.len() {
                text.push_str(lines[next]);
                next += 1;
            }
            let end = text.find(';').unwrap_or(text.len());
            paths.extend(expand(&text[..end]));
        }
    }
    // Paths written inline, e.g. `crate::server::store::txn::begin(…)`.
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            let before = code[..at].chars().last();
            from = at + start.len();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(path);
        }
    }
    let own: Vec<&str> = module.split("::").collect();
    // `super` of the module `a::b` is `a`, in `a/b.rs` and in `a/b/mod.rs` alike.
    let parent = own[..own.len().saturating_sub(1)].join("::");
    paths
        .into_iter()
        .filter_map(|p| {
            let p = p.trim_end_matches("::").to_string();
            if let Some(rest) = p.strip_prefix("crate::") {
                Some(format!("crate::{rest}"))
            } else if let Some(rest) = p.strip_prefix("super::") {
                Some(format!("{parent}::{rest}"))
            } else {
                p.strip_prefix("self::")
                    .map(|rest| format!("{module}::{rest}"))
            }
        })
        .collect()
}

/// The module a path points into: its longest prefix that is a module.
fn target_module(path: &str, known: &BTreeMap<String, PathBuf>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|m| known.contains_key(m))
}

/// Every import of one module into another.
fn imports() -> (
    BTreeMap<String, PathBuf>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &known {
        let code = checked_code(&fs::read_to_string(file).expect("readable source file"));
        for path in referenced_paths(module, &code) {
            if let Some(target) = target_module(&path, &known) {
                if &target != module {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    (known, edges)
}

#[test]
fn every_import_points_down_and_features_stay_apart() {
    let (known, edges) = imports();
    // The checker must see the tree it guards: a moved `src` would otherwise pass vacuously.
    assert!(known.len() > 100, "only {} modules found", known.len());
    assert!(
        edges
            .get("crate::server::services::forms")
            .is_some_and(|t| t.contains("crate::server::store::txn")),
        "the imports of services::forms were not read"
    );
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        let source = layer_of(from);
        for to in targets {
            let target = layer_of(to);
            let upward = target.rank > source.rank;
            let sideways = source.feature.is_some()
                && target.feature.is_some()
                && source.feature != target.feature;
            if upward || sideways {
                wrong.push(format!(
                    "{from} (layer {}) imports {to} (layer {})",
                    source.rank, target.rank
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn server_modules_have_no_import_cycle() {
    let (_, edges) = imports();
    // The entities are one unit: a relation names both of its tables (`organization` has many
    // `organization_setting`, which belongs to `organization`), as sea-orm requires.
    let unit = |m: &String| -> String {
        match m.strip_prefix("crate::server::store::entities::") {
            Some(_) => "crate::server::store::entities".to_string(),
            None => m.clone(),
        }
    };
    let mut merged: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in &edges {
        for to in targets {
            if unit(from) != unit(to) {
                merged.entry(unit(from)).or_default().insert(unit(to));
            }
        }
    }
    let edges = merged;
    let server: BTreeMap<&String, Vec<&String>> = edges
        .iter()
        .filter(|(m, _)| m.starts_with("crate::server"))
        .map(|(m, t)| {
            // A module naming its own parent (`mail::retry` using `mail::Email`) is not a cycle.
            let down = t
                .iter()
                .filter(|t| t.starts_with("crate::server") && !m.starts_with(&format!("{t}::")));
            (m, down.collect())
        })
        .collect();
    // Depth-first search with colours; a grey target is a cycle.
    fn visit<'a>(
        node: &'a String,
        graph: &BTreeMap<&'a String, Vec<&'a String>>,
        state: &mut BTreeMap<&'a String, u8>,
        stack: &mut Vec<&'a String>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|s| s.to_string()).collect();
                    cycle.push(next.to_string());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node, 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in server.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let cycle = visit(node, &server, &mut state, &mut Vec::new());
            assert!(
                cycle.is_none(),
                "import cycle: {}",
                cycle.unwrap().join(" -> ")
            );
        }
    }
}

#[test]
fn the_checker_sees_braced_super_and_inline_imports() {
    assert_eq!(
        expand("crate::server::{access::context::run, services::{a, b}}"),
        vec![
            "crate::server::access::context::run",
            "crate::server::services::a",
            "crate::server::services::b"
        ]
    );
    let paths = referenced_paths(
        "crate::server::services::forms",
        "use super::portal::x;\nfn f() { crate::server::store::txn::begin(); }",
    );
    assert!(paths.contains(&"crate::server::services::portal::x".to_string()));
    assert!(paths.contains(&"crate::server::store::txn::begin".to_string()));
    assert_eq!(
        layer_of("crate::server::services::forms")
            .feature
            .as_deref(),
        Some("forms")
    );
    assert!(
        layer_of("crate::server::store::txn").rank < layer_of("crate::server::access::actor").rank
    );
}
