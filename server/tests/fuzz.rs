//! Fuzzing every server function (issue 16, item 15): random, typed and mutated bodies are posted
//! to each endpoint as every kind of caller and anonymously. No answer may be a 5xx or a panic,
//! none may carry another organization's data or the server's internals.
//!
//! The functions and their parameters are read from `app/src/api`, and the fields of their input
//! structs from `app/src/domain`, so a new server function is fuzzed without a change here.
//! `FUZZ_CASES` (default 1,000 per database, so about 2,000 in `make test`) sets the cases;
//! `FUZZ_SECONDS` runs batches until that many seconds have passed (`make fuzz`).

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use common::{each_database, send, sign_in};

/// A server function as declared: its endpoint and its parameters (name, type).
#[derive(Debug, Clone)]
struct Function {
    endpoint: String,
    params: Vec<(String, String)>,
}

/// Functions that end the caller's own session: fuzzing them would turn every caller anonymous.
const SKIPPED: [&str; 2] = ["sign_out", "idle_sign_out"];

/// The callers, by sign-in email (`None`: anonymous), and whether they belong to Bright Path.
const CALLERS: [(Option<&str>, bool); 6] = [
    (None, true),
    (Some("client@brightpath.example"), true),
    (Some("parent@brightpath.example"), true),
    (Some("therapist@brightpath.example"), true),
    (Some("admin@brightpath.example"), true),
    (Some("admin@otherclinic.example"), false),
];

/// Names found only in each organization's demo data.
const BRIGHT_PATH: [&str; 6] = [
    "Jordan Lee",
    "Sam Lee",
    "Alex Lee",
    "Taylor Brooks",
    "Morgan Reyes",
    "Harbor Street",
];
const OTHER_CLINIC: [&str; 5] = [
    "Riley Chen",
    "Casey Morgan",
    "Dana Whitfield",
    "Riverside Office",
    "otherclinic",
];

/// What an answer must never show: the database's or the runtime's own words.
const INTERNALS: [&str; 6] = [
    "sqlx",
    "SQLITE_",
    "syntax error",
    "panicked",
    "DbErr",
    "violates",
];

fn source(dir: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Splits `text` on commas outside `<>`, `()` and `[]`.
fn split_top(text: &str) -> Vec<String> {
    let (mut parts, mut depth, mut current) = (Vec::new(), 0i32, String::new());
    for c in text.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The server functions declared in `app/src/api`.
fn functions() -> Vec<Function> {
    let mut found = Vec::new();
    for text in source("app/src/api") {
        let mut at = 0;
        while let Some(i) = text[at..].find("#[server(endpoint = \"") {
            let start = at + i + "#[server(endpoint = \"".len();
            let end = start + text[start..].find('"').unwrap();
            let endpoint = text[start..end].to_owned();
            let open = end + text[end..].find("pub async fn").unwrap();
            let open = open + text[open..].find('(').unwrap() + 1;
            let close = open + text[open..].find(") ->").unwrap();
            let params = split_top(&text[open..close])
                .into_iter()
                .map(|p| {
                    let p = p.replace("#[server(default)]", "");
                    let (name, kind) = p.split_once(':').unwrap();
                    (name.trim().to_owned(), kind.trim().to_owned())
                })
                .collect();
            found.push(Function { endpoint, params });
            at = close;
        }
    }
    found
}

/// The field names of every `pub struct` in `app/src/domain`, by struct name.
fn struct_fields() -> BTreeMap<String, Vec<String>> {
    let mut structs = BTreeMap::new();
    for text in source("app/src/domain") {
        let mut current: Option<(String, Vec<String>)> = None;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub struct ") {
                if let Some(name) = rest.strip_suffix(" {") {
                    current = Some((name.split('<').next().unwrap().to_owned(), Vec::new()));
                }
            } else if line == "}" {
                if let Some((name, fields)) = current.take() {
                    structs.insert(name, fields);
                }
            } else if let (Some((_, fields)), Some(rest)) =
                (current.as_mut(), line.strip_prefix("pub "))
            {
                if let Some((field, _)) = rest.split_once(':') {
                    fields.push(field.trim().to_owned());
                }
            }
        }
    }
    structs
}

/// A value for a parameter or field of the given type, or any text.
fn value(kind: &str) -> BoxedStrategy<String> {
    let ints = prop_oneof![
        (-2i64..60).prop_map(|n| n.to_string()),
        Just(i64::MAX.to_string()),
        Just(i64::MIN.to_string()),
        Just(i32::MAX.to_string()),
        Just("2147483648".to_owned()),
        Just("1e3".to_owned()),
        Just(String::new()),
    ];
    let text = prop_oneof![
        4 => proptest::string::string_regex(".{0,40}").unwrap(),
        1 => Just("2026-12-03".to_owned()),
        1 => Just("2026-02-30T25:61".to_owned()),
        1 => Just("9999-12-31T23:59:59Z".to_owned()),
        1 => Just("{\"kind\":\"text\",\"id\":\"x\"}".to_owned()),
        1 => Just("[]".to_owned()),
        1 => Just("<script>alert(1)</script>".to_owned()),
        1 => Just("' OR 1=1 --".to_owned()),
        1 => (1usize..20_000).prop_map(|n| "a".repeat(n)),
        1 => Just("\u{0}\u{7}\r\n\u{202e}".to_owned()),
    ];
    let kind = kind.trim();
    if kind.contains("i32") || kind.contains("i64") || kind.contains("u32") {
        prop_oneof![4 => ints, 1 => text].boxed()
    } else if kind.contains("bool") {
        prop_oneof![
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("on".to_owned()),
            text
        ]
        .boxed()
    } else {
        prop_oneof![4 => text, 1 => ints].boxed()
    }
}

/// Percent-encodes `s` for a form body.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form body for `f`: each parameter present or not, typed values, struct fields under
/// `param[field]`, now and then a stray key.
fn typed_body(f: &Function, structs: &BTreeMap<String, Vec<String>>) -> BoxedStrategy<String> {
    let mut pairs: Vec<BoxedStrategy<Vec<(String, String)>>> = Vec::new();
    for (name, kind) in &f.params {
        let bare = kind
            .trim_start_matches("Option<")
            .trim_end_matches('>')
            .to_owned();
        let part = match structs.get(&bare) {
            Some(fields) => {
                let name = name.clone();
                let fields = fields.clone();
                proptest::collection::vec((proptest::sample::select(fields), value("")), 0..8)
                    .prop_map(move |fs| {
                        fs.into_iter()
                            .map(|(field, v)| (format!("{name}[{field}]"), v))
                            .collect()
                    })
                    .boxed()
            }
            None => {
                let name = name.clone();
                proptest::option::weighted(0.85, value(kind))
                    .prop_map(move |v| v.map(|v| vec![(name.clone(), v)]).unwrap_or_default())
                    .boxed()
            }
        };
        pairs.push(part);
    }
    let stray = proptest::option::weighted(
        0.1,
        (
            proptest::string::string_regex("[a-z_\\[\\]]{1,12}").unwrap(),
            value(""),
        ),
    );
    (pairs, stray)
        .prop_map(|(parts, stray)| {
            parts
                .into_iter()
                .flatten()
                .chain(stray)
                .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
                .collect::<Vec<_>>()
                .join("&")
        })
        .boxed()
}

/// One request: a function, a caller, a content type and a body.
#[derive(Debug, Clone)]
struct Case {
    function: usize,
    caller: usize,
    content_type: &'static str,
    body: Vec<u8>,
}

fn cases(functions: &[Function]) -> BoxedStrategy<Case> {
    let structs = struct_fields();
    let per_function: Vec<BoxedStrategy<Case>> = functions
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let typed = typed_body(f, &structs);
            let body = prop_oneof![
                // A typed body, a typed body with bytes changed, or noise.
                6 => typed.clone().prop_map(String::into_bytes),
                2 => (typed, proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4))
                    .prop_map(|(body, flips)| {
                        let mut bytes = body.into_bytes();
                        for (at, b) in flips {
                            if bytes.is_empty() {
                                bytes.push(b);
                            } else {
                                let n = bytes.len();
                                bytes[at % n] = b;
                            }
                        }
                        bytes
                    }),
                1 => proptest::collection::vec(any::<u8>(), 0..300),
            ];
            let content_type = prop_oneof![
                8 => Just("application/x-www-form-urlencoded"),
                1 => Just("application/json"),
                1 => Just("text/plain"),
            ];
            (0..CALLERS.len(), content_type, body)
                .prop_map(move |(caller, content_type, body)| Case {
                    function: i,
                    caller,
                    content_type,
                    body,
                })
                .boxed()
        })
        .collect();
    proptest::strategy::Union::new(per_function).boxed()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_survives_random_and_mutated_bodies_from_every_caller() {
    each_database(
        true,
        body!(|t| {
            let app = t.app();
            let functions: Vec<Function> = functions()
                .into_iter()
                .filter(|f| !SKIPPED.contains(&f.endpoint.as_str()))
                .collect();
            let registered = leptos::server_fn::axum::server_fn_paths().count();
            assert_eq!(
                functions.len() + SKIPPED.len(),
                registered,
                "app/src/api declares other functions than the server registers"
            );
            let mut cookies = Vec::new();
            for (email, _) in CALLERS {
                cookies.push(match email {
                    Some(email) => Some(sign_in(&app, email).await),
                    None => None,
                });
            }
            let handle = tokio::runtime::Handle::current();
            let kind = t.kind;
            let ran = tokio::task::spawn_blocking(move || {
                let strategy = cases(&functions);
                let deadline =
                    env_number("FUZZ_SECONDS").map(|s| Instant::now() + Duration::from_secs(s));
                let batch = env_number("FUZZ_CASES").unwrap_or(1_000) as u32;
                let (mut ran, mut seed) = (0u64, 0u64);
                loop {
                    let mut bytes = [0u8; 32];
                    bytes[..8].copy_from_slice(&seed.to_le_bytes());
                    bytes[8..16].copy_from_slice(&(rand::random::<u64>()).to_le_bytes());
                    let config = Config {
                        cases: batch,
                        failure_persistence: None,
                        max_shrink_iters: 200,
                        ..Config::default()
                    };
                    let mut runner = TestRunner::new_with_rng(
                        config,
                        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
                    );
                    let outcome = runner.run(&strategy, |case| {
                        let f = &functions[case.function];
                        let (_, bright_path) = CALLERS[case.caller];
                        let mut req = Request::post(format!("/api/{}", f.endpoint))
                            .header(header::CONTENT_TYPE, case.content_type)
                            .header(header::ACCEPT, "application/json");
                        if let Some(cookie) = &cookies[case.caller] {
                            req = req.header(header::COOKIE, cookie);
                        }
                        let req = req.body(Body::from(case.body.clone())).unwrap();
                        let reply = handle.block_on(send(&app, req));
                        prop_assert!(
                            reply.status.as_u16() < 500,
                            "{} answered {} to {:?}: {}",
                            f.endpoint,
                            reply.status,
                            case,
                            reply.body
                        );
                        let foreign: &[&str] = if bright_path {
                            &OTHER_CLINIC
                        } else {
                            &BRIGHT_PATH
                        };
                        for word in foreign.iter().chain(INTERNALS.iter()) {
                            prop_assert!(
                                !reply.body.contains(word),
                                "{} showed {word:?} to caller {} for {:?}: {}",
                                f.endpoint,
                                case.caller,
                                case,
                                reply.body
                            );
                        }
                        Ok(())
                    });
                    if let Err(e) = outcome {
                        panic!("fuzzing on {kind} (seed {bytes:?}): {e}");
                    }
                    ran += u64::from(batch);
                    seed += 1;
                    if deadline.is_none_or(|d| Instant::now() >= d) {
                        break ran;
                    }
                }
            })
            .await
            .unwrap();
            eprintln!("fuzzing on {kind}: {ran} cases, no 5xx, no leak");
        }),
    )
    .await;
}
