//! **Invariant:** the domain crates never depend on each other, and an adapter
//! depends only on the domain crates it persists (never the other way). Checked
//! from `cargo metadata`, so it cannot silently regress.

use std::collections::BTreeSet;
use std::process::Command;

const DOMAIN_CRATES: [&str; 9] = [
    "guided-community-needs",
    "guided-community-pools",
    "guided-community-pb",
    "guided-community-points",
    "guided-community-triage",
    "guided-community-deliberation",
    "guided-community-metrics",
    "guided-community-projects",
    "guided-community-matching",
];

/// Adapters, and the domain crates each may depend on.
const ADAPTERS: [(&str, &[&str]); 1] = [(
    "guided-community-store",
    &["guided-community-points", "guided-community-triage"],
)];

fn metadata() -> serde_json::Value {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn dependencies(package: &serde_json::Value) -> BTreeSet<String> {
    package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn domain_crates_never_depend_on_each_other() {
    let metadata = metadata();
    let packages = metadata["packages"].as_array().unwrap();
    let names: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in DOMAIN_CRATES {
        assert!(names.contains(name), "workspace lost `{name}`");
    }
    for package in packages {
        let name = package["name"].as_str().unwrap();
        if name == "guided-community" {
            continue;
        }
        let allowed: &[&str] =
            if let Some((_, persists)) = ADAPTERS.iter().find(|(adapter, _)| *adapter == name) {
                persists
            } else {
                assert!(
                    DOMAIN_CRATES.contains(&name),
                    "unexpected workspace member `{name}`: add it to the invariant"
                );
                &[]
            };
        // A crate may list itself as a dev-dependency to test with its own features;
        // any other workspace crate, of any dependency kind, is an edge.
        let edges: Vec<String> = dependencies(package)
            .into_iter()
            .filter(|dep| dep != name && names.contains(dep.as_str()))
            .filter(|dep| !allowed.contains(&dep.as_str()))
            .collect();
        assert!(
            edges.is_empty(),
            "`{name}` depends on workspace crates {edges:?}: joins belong in the facade"
        );
    }
}

#[test]
fn the_facade_depends_on_every_domain_crate() {
    let metadata = metadata();
    let facade = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "guided-community")
        .unwrap();
    let deps = dependencies(facade);
    for name in DOMAIN_CRATES {
        assert!(
            deps.contains(name),
            "the facade does not depend on `{name}`"
        );
    }
}

/// The modules of one directory (`a.rs`, or `a/mod.rs` for a folder).
fn sibling_modules(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if path.join("mod.rs").exists() {
                out.push((name, path.join("mod.rs")));
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && !["mod", "lib", "main", "tests"].contains(&name.as_str())
        {
            out.push((name, path));
        }
    }
    out.sort();
    out
}

/// A module's own code: its tests module and comments left out.
fn code_of(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sibling modules that import each other, directly or round a longer circle.
fn circles(dir: &std::path::Path, prefix: &str) -> Vec<Vec<String>> {
    let modules = sibling_modules(dir);
    let names: Vec<&str> = modules.iter().map(|(n, _)| n.as_str()).collect();
    let edges: Vec<Vec<usize>> = modules
        .iter()
        .map(|(me, path)| {
            let code = code_of(path);
            names
                .iter()
                .enumerate()
                .filter(|(_, other)| **other != me.as_str())
                .filter(|(_, other)| {
                    [
                        format!("{prefix}::{other}::"),
                        format!("{prefix}::{other};"),
                    ]
                    .iter()
                    .any(|p| code.contains(p.as_str()))
                        || code.contains(&format!("{prefix}::{{{other}::"))
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    // Every circle through the lowest module on it, by depth-first search.
    let mut found = Vec::new();
    for start in 0..modules.len() {
        let mut stack = vec![(start, vec![start])];
        while let Some((at, path)) = stack.pop() {
            for &next in &edges[at] {
                if next == start {
                    found.push(path.iter().map(|&i| names[i].to_owned()).collect());
                } else if next > start && !path.contains(&next) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
    found
}

/// **Invariant:** no import circle between a crate's modules: siblings in a folder
/// (`super::x::`) and the crate's top-level modules (`crate::x::`) import one way.
#[test]
fn no_import_circle_between_modules() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = vec![root.join("src")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        sources.push(entry.unwrap().path().join("src"));
    }
    let mut all = Vec::new();
    while let Some(dir) = sources.pop() {
        let prefix = if dir.ends_with("src") {
            "crate"
        } else {
            "super"
        };
        for circle in circles(&dir, prefix) {
            all.push(format!("{}: {}", dir.display(), circle.join(" → ")));
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources.push(path);
            }
        }
    }
    assert!(all.is_empty(), "import circles:\n{}", all.join("\n"));
}
