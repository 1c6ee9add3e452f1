//! Trigger grammar: which kind of event starts the workflow, from which tool, and which tokens
//! belong to the trigger. Three stages, each read and tested on its own:
//!
//! - [`cues`]: what the words say (a manual cue, a URL asked for, a schedule, an inbox, a state
//!   that lasted, where the trigger clause ends), with no catalog knowledge beyond mentions;
//! - [`candidates`]: which tool mentions could be the source of each kind (the queue read, the
//!   storage files arrive in, the app whose items are the subject), with the evidence;
//! - [`choice`]: the precedence between kinds, as an ordered table of named rules; the first
//!   rule that fits decides.
//!
//! [`sources`] then fills what the choice leaves open (the usual service when none is named, the
//! event of the chosen tool, tools that cannot notify the function).

mod candidates;
mod choice;
mod cues;
mod sources;

pub(super) use choice::choose_trigger;
pub(super) use sources::{event_of, eventless_source, unnamed_event, unnamed_source};

use crate::model::TriggerKind;
use crate::schedule;

/// Everything the planner decided about the trigger.
pub(in crate::planner) struct TriggerChoice {
    pub kind: TriggerKind,
    /// Mention of the tool the event comes from.
    pub tool: Option<usize>,
    /// Tokens `..end` are the trigger's clause(s).
    pub end: usize,
    pub schedule: Option<schedule::Schedule>,
}
