//! **Invariant:** the domain crates never depend on each other. Checked from
//! `cargo metadata`, so it cannot silently regress.

use std::collections::BTreeSet;
use std::process::Command;

const DOMAIN_CRATES: [&str; 7] = [
    "guided-community-needs",
    "guided-community-pools",
    "guided-community-pb",
    "guided-community-points",
    "guided-community-triage",
    "guided-community-deliberation",
    "guided-community-metrics",
];

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
        assert!(
            DOMAIN_CRATES.contains(&name),
            "unexpected workspace member `{name}`: add it to the invariant"
        );
        // A crate may list itself as a dev-dependency to test with its own features;
        // any other workspace crate, of any dependency kind, is an edge.
        let edges: Vec<String> = dependencies(package)
            .into_iter()
            .filter(|dep| dep != name && names.contains(dep.as_str()))
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
