//! `guided-community petition`: petitions kept in a store, and the resident's
//! lookup by tracking code.

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use clap::{Subcommand, ValueEnum};
use guided_community::store::{Filed, Options, Petitions, Refusal, SqlitePetitions};
use guided_community::triage::{
    self, CodeRng, Colour, Command, Intake, Petition, SlaPolicy, SlaStatus, TrackingCode,
};
use serde::Serialize;

use super::triage::{ColourArg, calendar, received};
use super::{CliError, Exit, Output, Stdout};

/// Petitions in a store (SQLite, the same file a ledger may use).
#[derive(Debug, Subcommand)]
pub(crate) enum PetitionCommand {
    /// Record a new petition and print its tracking code and deadlines. The same
    /// submission sent again is answered as before, not recorded twice.
    Submit {
        #[command(flatten)]
        store: Store,
        /// The caller's identifier, unique in the store.
        #[arg(long)]
        id: String,
        /// Its category (`water-leak`, `noise`, …).
        #[arg(long)]
        category: String,
        /// Its colour.
        #[arg(long, value_enum)]
        colour: ColourArg,
        /// When it was received, RFC 3339 with an offset: `2025-09-26T20:00:00+08:00`.
        #[arg(long, value_parser = received)]
        received: DateTime<FixedOffset>,
        /// The building it concerns.
        #[arg(long)]
        building: Option<String>,
        /// Its tracking code [default: a new random one].
        #[arg(long, value_parser = tracking_code)]
        code: Option<TrackingCode>,
    },
    /// Record what happened to a petition: `acknowledge`, `start`, `pause`,
    /// `resume`, `resolve`, `close`, `reopen`, `merge` or `refer`.
    Update {
        #[command(flatten)]
        store: Store,
        /// The petition's id.
        #[arg(long)]
        id: String,
        /// What happened.
        #[arg(value_enum)]
        action: Action,
        /// When, RFC 3339 with an offset [default: now].
        #[arg(long, value_parser = received)]
        at: Option<DateTime<FixedOffset>>,
        /// Why (`pause`, `reopen`).
        #[arg(long)]
        reason: Option<String>,
        /// What was done (`resolve`).
        #[arg(long)]
        summary: Option<String>,
        /// The resident's rating, 1–5 (`close`).
        #[arg(long)]
        satisfaction: Option<u8>,
        /// The petition it duplicates (`merge`).
        #[arg(long)]
        into: Option<String>,
        /// Who it is referred to (`refer`).
        #[arg(long)]
        to: Option<String>,
    },
    /// What a resident sees for a tracking code: state, colour, deadlines and
    /// SLA status, nothing anyone wrote. Exit 1 if no petition has the code.
    Status {
        #[command(flatten)]
        store: Store,
        /// The tracking code as typed (case, spaces, dashes, I/L/O forgiven).
        #[arg(long, value_parser = tracking_code)]
        code: TrackingCode,
        /// The moment to report for, RFC 3339 with an offset [default: now].
        #[arg(long, value_parser = received)]
        at: Option<DateTime<FixedOffset>>,
    },
}

/// The store and the calendar its deadlines are counted in.
#[derive(Debug, clap::Args)]
pub(crate) struct Store {
    /// The store (SQLite); `submit` creates it if missing.
    #[arg(long)]
    db: PathBuf,
    /// A calendar JSON merged over the built-in mainland China calendar
    /// (2024–2026), as for `deadline`.
    #[arg(long)]
    calendar: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Action {
    /// Give the first response.
    Acknowledge,
    /// Start working on it.
    Start,
    /// Wait for the resident (needs --reason).
    Pause,
    /// The resident answered.
    Resume,
    /// Resolve it (needs --summary).
    Resolve,
    /// Close it (needs --satisfaction).
    Close,
    /// Open it again (needs --reason).
    Reopen,
    /// Merge it into another (needs --into).
    Merge,
    /// Refer it elsewhere (needs --to).
    Refer,
}

/// A tracking code as typed; the error says what is wrong with it.
fn tracking_code(text: &str) -> Result<TrackingCode, String> {
    text.parse().map_err(|e: triage::Error| e.to_string())
}

/// A petition as staff see it after a change.
#[derive(Serialize)]
struct Staff {
    /// `recorded` or `duplicate` (sent before: nothing changed).
    result: &'static str,
    id: String,
    code: String,
    state: &'static str,
    colour: Colour,
    response_due: String,
    resolution_due: String,
}

/// What a resident sees.
#[derive(Serialize)]
struct Resident {
    found: bool,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<Colour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    received: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<SlaStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<SlaStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution_due: Option<String>,
}

pub(crate) fn run(
    command: &PetitionCommand,
    output: Output,
    out: Stdout<'_>,
) -> Result<Exit, CliError> {
    match command {
        PetitionCommand::Submit { .. } => output.json(&submit(command)?, 0, out),
        PetitionCommand::Update { .. } => output.json(&update(command)?, 0, out),
        PetitionCommand::Status { store, code, at } => {
            let report = status(store, *code, *at)?;
            let exit = u8::from(!report.found);
            output.json(&report, exit, out)
        }
    }
}

/// China time, as residents and staff read it.
fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&SlaPolicy::default().zone)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn submit(command: &PetitionCommand) -> Result<Staff, CliError> {
    let PetitionCommand::Submit {
        store,
        id,
        category,
        colour,
        received,
        building,
        code,
    } = command
    else {
        return Err(CliError::Limit("not a submission".to_owned()));
    };
    let mut petitions = store.open(true)?;
    // Sent again without --code (a retry), the petition keeps the code it was
    // given: the same submission is then a duplicate.
    let kept = match code {
        Some(code) => Some(*code),
        None => petitions.petition(id)?.map(|p| p.code),
    };
    let mut intake = Intake {
        id: id.clone(),
        code: kept.unwrap_or_else(new_code),
        category: category.clone(),
        building: building.clone(),
        colour: Colour::from(*colour),
        received: received.to_utc(),
    };
    // A random code that another petition holds is drawn again; one the caller
    // chose is refused.
    let mut draws = 0;
    let filed = loop {
        match petitions.submit(intake.clone())? {
            Filed::Refused(Refusal::CodeInUse { .. }) if kept.is_none() && draws < 8 => {
                draws += 1;
                intake.code = new_code();
            }
            filed => break filed,
        }
    };
    staff(filed)
}

fn update(command: &PetitionCommand) -> Result<Staff, CliError> {
    let PetitionCommand::Update {
        store,
        id,
        action,
        at,
        reason,
        summary,
        satisfaction,
        into,
        to,
    } = command
    else {
        return Err(CliError::Limit("not an update".to_owned()));
    };
    let name = action
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    let need = |value: &Option<String>, flag: &str| {
        value
            .clone()
            .ok_or_else(|| CliError::Limit(format!("`{name}` needs --{flag}")))
    };
    let command = match action {
        Action::Acknowledge => Command::Acknowledge,
        Action::Start => Command::Start,
        Action::Pause => Command::Pause {
            reason: need(reason, "reason")?,
        },
        Action::Resume => Command::Resume,
        Action::Resolve => Command::Resolve {
            summary: need(summary, "summary")?,
        },
        Action::Close => Command::Close {
            satisfaction: satisfaction.ok_or_else(|| {
                CliError::Limit("`close` needs --satisfaction (1 to 5)".to_owned())
            })?,
        },
        Action::Reopen => Command::Reopen {
            reason: need(reason, "reason")?,
        },
        Action::Merge => Command::Merge {
            into: need(into, "into")?,
        },
        Action::Refer => Command::Refer {
            to: need(to, "to")?,
        },
    };
    let at = at.map_or_else(now, |t| t.to_utc());
    let mut petitions = store.open(false)?;
    staff(petitions.update(id, at, command)?)
}

fn status(
    store: &Store,
    code: TrackingCode,
    at: Option<DateTime<FixedOffset>>,
) -> Result<Resident, CliError> {
    let petitions = store.open(false)?;
    let now = at.map_or_else(now, |t| t.to_utc());
    Ok(match petitions.lookup(code, now)? {
        Some(seen) => Resident {
            found: true,
            code: seen.code.to_string(),
            state: Some(seen.state),
            colour: Some(seen.colour),
            received: Some(local(seen.received)),
            response: Some(seen.sla.response),
            response_due: Some(local(seen.sla.response_due)),
            resolution: Some(seen.sla.resolution),
            resolution_due: Some(local(seen.sla.resolution_due)),
        },
        None => Resident {
            found: false,
            code: code.to_string(),
            state: None,
            colour: None,
            received: None,
            response: None,
            response_due: None,
            resolution: None,
            resolution_due: None,
        },
    })
}

impl Store {
    fn open(&self, create: bool) -> Result<SqlitePetitions, CliError> {
        let calendar = calendar(self.calendar.as_deref())?;
        let options = Options::default().with_create(create);
        Ok(SqlitePetitions::open(
            &self.db,
            &options,
            calendar,
            SlaPolicy::default(),
        )?)
    }
}

/// The clock's time (chrono's clock feature is off: the domain crates never
/// read a clock, so only the CLI does, here).
fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

/// A new random tracking code: the CLI is not a domain crate, so it may draw
/// its seed from the process's randomness (std's hasher keys).
fn new_code() -> TrackingCode {
    let seed = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    TrackingCode::generate(&mut CodeRng::seeded(seed))
}

fn staff(filed: Filed) -> Result<Staff, CliError> {
    let (result, petition): (_, Petition) = match filed {
        Filed::Recorded(p) => ("recorded", p),
        Filed::Duplicate(p) => ("duplicate", p),
        Filed::Refused(refusal) => return Err(CliError::Refused(refusal)),
        _ => {
            return Err(CliError::Limit(
                "the store answered in a way this version does not know".to_owned(),
            ));
        }
    };
    let cycle = petition.cycles.last();
    Ok(Staff {
        result,
        id: petition.id,
        code: petition.code.to_string(),
        state: petition.state.name(),
        colour: petition.colour,
        response_due: cycle.map(|c| local(c.response_due)).unwrap_or_default(),
        resolution_due: cycle.map(|c| local(c.resolution_due)).unwrap_or_default(),
    })
}
