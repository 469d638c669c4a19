//! What the store's test binaries share: scratch databases that clean up.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One test's database in a scratch directory of its own, removed when the
/// test is done with it (also when it fails), so repeated runs do not fill the
/// temporary directory.
pub(crate) struct Scratch {
    db: PathBuf,
}

impl std::ops::Deref for Scratch {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.db
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.db
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(dir) = self.db.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh directory `gc-<kind>-<process>-<name>-<n>` holding the database
/// file `file` (not yet created).
pub(crate) fn scratch(kind: &str, name: &str, file: &str) -> Scratch {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("gc-{kind}-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch { db: dir.join(file) }
}
