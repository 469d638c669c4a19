//! The journal as the JSON-lines log itself, in a plain file: appended, then
//! `fsync`ed, then acknowledged.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDateTime;
use guided_community_points::log::{Replay, Verified, complete};
use guided_community_points::{Command, Ledger};

use crate::{Applied, Error, Journal, Options, Result};

/// What opening a log cut mid-write did: the incomplete last entry, which no
/// one was told had been recorded, was cut off after the whole file was
/// copied aside.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Repaired {
    /// The line the incomplete entry began on.
    pub line: usize,
    /// The bytes cut off.
    pub removed_bytes: u64,
    /// Where the whole file was copied first: `FILE.torn` (or `FILE.torn.N`
    /// when earlier backups are there).
    pub backup: PathBuf,
}

/// The points bank's journal as a JSON-lines log file: each batch appended in
/// one write and `fsync`ed before anything is acknowledged. The file is
/// exactly what [`guided_community_points::log::verify`] checks.
///
/// One process writes a log at a time: opening takes an exclusive lock on the
/// file for as long as the journal is open (waiting up to
/// [`Options::with_wait`], then [`Error::Busy`]). Opening replays and verifies
/// every entry; an incomplete last entry (a crash mid-write: it was never
/// acknowledged) is cut off, the whole file kept as `FILE.torn` first, and
/// reported by [`LogFile::repaired`].
///
/// ```
/// use guided_community_points::{AccountKind, Action, Command, Unit};
/// use guided_community_store::{Applied, Journal, LogFile, Options};
///
/// let dir = std::env::temp_dir().join(format!("logfile-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("bank.jsonl");
/// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).and_then(|d| d.and_hms_opt(9, 0, 0)).ok_or("date")?;
/// let open = Command::new("c1", Action::OpenAccount {
///     account: "wang".into(), kind: AccountKind::Resident, unit: Unit::Points,
///     credit_limit: Default::default(), cap: None,
/// });
/// {
///     let mut log = LogFile::open(&path, &Options::default())?;
///     assert!(matches!(log.apply(at, open.clone())?, Applied::Recorded { seq: 0, .. }));
/// }
/// let mut log = LogFile::open(&path, &Options::default())?;
/// assert!(matches!(log.apply(at, open)?, Applied::Duplicate { seq: 0, .. }));
/// # drop(log);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LogFile {
    path: PathBuf,
    file: File,
    /// Bytes of whole, synced entries.
    len: u64,
    replay: Replay,
    repaired: Option<Repaired>,
}

impl LogFile {
    /// Opens (or creates) the log at `path`, locks it, cuts off an incomplete
    /// last entry (keeping a backup) and replays and verifies the rest.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`], [`Error::Busy`] (another process has it open for
    /// writing), [`Error::Io`], [`Error::Journal`] naming the first entry that
    /// does not verify.
    pub fn open(path: impl AsRef<Path>, options: &Options) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let existed = path.exists();
        if !options.create && !existed {
            return Err(Error::Missing { path });
        }
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(options.create)
            .open(&path)
            .map_err(io)?;
        if !existed {
            // The new file's name must survive a crash too.
            sync_directory(&path).map_err(io)?;
        }
        lock(&file, &path, options)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let (whole, torn) = complete(&bytes);
        let len = whole.len() as u64;
        let mut repaired = None;
        if let Some(line) = torn {
            let backup = unused_backup(&path);
            let keep = |backup: &Path| -> std::io::Result<()> {
                let mut copy = File::create(backup)?;
                copy.write_all(&bytes)?;
                copy.sync_all()
            };
            keep(&backup).map_err(|source| Error::Io {
                path: backup.clone(),
                source,
            })?;
            file.set_len(len).map_err(io)?;
            file.sync_all().map_err(io)?;
            repaired = Some(Repaired {
                line,
                removed_bytes: bytes.len() as u64 - len,
                backup,
            });
        }
        let replay = replay_lines(&path, whole)?;
        Ok(Self {
            path,
            file,
            len,
            replay,
            repaired,
        })
    }

    /// What opening cut off, if the last entry was incomplete.
    pub fn repaired(&self) -> Option<&Repaired> {
        self.repaired.as_ref()
    }

    /// Executes `commands`, appends the entries they record in one write,
    /// syncs, and only then returns; `before_write` sees the outcomes first
    /// (the crash test's negative control acknowledges there).
    fn transact(
        &mut self,
        commands: Vec<(NaiveDateTime, Command)>,
        before_write: &mut dyn FnMut(&[Applied]),
    ) -> Result<Vec<Applied>> {
        let mut applied = Vec::with_capacity(commands.len());
        let mut bytes = Vec::new();
        for (at, command) in commands {
            let (answer, row) = crate::execute(&mut self.replay, at, command);
            if let Some((_, _, line)) = row {
                bytes.extend_from_slice(&line);
            }
            applied.push(answer);
        }
        before_write(&applied);
        if bytes.is_empty() {
            return Ok(applied);
        }
        let written = self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data());
        if let Err(source) = written {
            // Nothing of this batch counts: cut what may have reached the file
            // and rebuild the ledger from what was synced before.
            let _ = self.file.set_len(self.len);
            let _ = self.file.sync_all();
            self.reload()?;
            return Err(Error::Io {
                path: self.path.clone(),
                source,
            });
        }
        self.len += bytes.len() as u64;
        Ok(applied)
    }

    /// The ledger replayed again from the synced entries.
    fn reload(&mut self) -> Result<()> {
        let whole = self.read_whole()?;
        let replay = replay_lines(&self.path, &whole)?;
        self.replay = replay;
        Ok(())
    }

    /// The synced entries' bytes.
    fn read_whole(&self) -> Result<Vec<u8>> {
        let io = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(self.len).read_to_end(&mut bytes).map_err(io)?;
        Ok(bytes)
    }

    #[doc(hidden)]
    /// The crash test's negative control: hands each outcome to `ack` *before*
    /// the entries are written. Never use it to acknowledge anything real.
    ///
    /// # Errors
    ///
    /// As [`Journal::apply_batch`].
    pub fn apply_batch_acking_before_write(
        &mut self,
        commands: Vec<(NaiveDateTime, Command)>,
        ack: &mut dyn FnMut(&[Applied]),
    ) -> Result<Vec<Applied>> {
        self.transact(commands, ack)
    }

    #[doc(hidden)]
    /// The crash test's torn write: appends the first half of the entry
    /// `command` would record, syncs, and leaves the journal unusable (the
    /// caller is expected to die, as a crash mid-write does).
    ///
    /// # Errors
    ///
    /// [`Error::Io`].
    pub fn tear(&mut self, at: NaiveDateTime, command: Command) -> Result<()> {
        let (_, row) = crate::execute(&mut self.replay, at, command);
        let Some((_, _, line)) = row else {
            return Ok(());
        };
        let half = line.get(..line.len() / 2).unwrap_or_default();
        self.file
            .write_all(half)
            .and_then(|()| self.file.sync_data())
            .map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })
    }
}

impl Journal for LogFile {
    fn apply_batch(&mut self, commands: Vec<(NaiveDateTime, Command)>) -> Result<Vec<Applied>> {
        self.transact(commands, &mut |_| {})
    }

    fn verified(&self) -> Verified {
        self.replay.verified()
    }

    fn lines_since(&self, seq: u64) -> Result<Vec<Vec<u8>>> {
        let whole = self.read_whole()?;
        Ok(whole
            .split_inclusive(|&b| b == b'\n')
            .skip(usize::try_from(seq).unwrap_or(usize::MAX))
            .map(<[u8]>::to_vec)
            .collect())
    }

    fn ledger(&self) -> &Ledger {
        self.replay.ledger()
    }
}

/// Replays and verifies whole entries, each ending in a newline.
fn replay_lines(path: &Path, whole: &[u8]) -> Result<Replay> {
    let mut replay = Replay::new();
    for (seq, line) in (0u64..).zip(whole.split_inclusive(|&b| b == b'\n')) {
        let bad = |reason: String| Error::Journal {
            path: path.to_path_buf(),
            seq,
            reason,
        };
        let body = line
            .strip_suffix(b"\n")
            .ok_or_else(|| bad("its line has no newline".to_owned()))?;
        replay.line(body).map_err(|e| bad(e.to_string()))?;
    }
    Ok(replay)
}

/// Takes the file's exclusive lock, waiting up to the options' wait.
fn lock(file: &File, path: &Path, options: &Options) -> Result<()> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if start.elapsed() < options.wait => {
                std::thread::sleep(core::time::Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Busy {
                    path: path.to_path_buf(),
                });
            }
            Err(TryLockError::Error(source)) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// `FILE.torn`, or `FILE.torn.1`, `FILE.torn.2`, … if earlier crashes left
/// theirs: no backup overwrites another.
fn unused_backup(path: &Path) -> PathBuf {
    let named = |n: u32| {
        let mut name = path.as_os_str().to_owned();
        name.push(".torn");
        if n > 0 {
            name.push(format!(".{n}"));
        }
        PathBuf::from(name)
    };
    (0..u32::MAX)
        .map(named)
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| named(0))
}

/// Syncs the directory holding `path`, so that a new file's name is durable.
fn sync_directory(path: &Path) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match File::open(dir) {
        Ok(dir) => dir.sync_all(),
        // Some systems cannot open a directory as a file; the data is still
        // synced on each write.
        Err(_) => Ok(()),
    }
}
