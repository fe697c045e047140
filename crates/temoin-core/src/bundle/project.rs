//! The projection of a bundle's incidents, from its checked entries.

use super::*;

/// The incident ids a scope's projection covers, given the bundle's entries.
pub fn scope_incidents(scope: &Scope, entries: &[CheckedEntry]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    };
    match scope {
        Scope::Incident(id) => add(id),
        Scope::All => {
            for e in entries {
                if let Some(Payload::Incident(i)) = e.payload() {
                    add(&i.id);
                }
            }
        }
        Scope::Statement(h) => {
            for e in entries.iter().filter(|e| e.statement_hash.to_hex() == *h) {
                match e.payload() {
                    Some(Payload::Incident(i))
                    | Some(Payload::Amendment(crate::domain::Amendment {
                        incident: Some(i),
                        ..
                    })) => add(&i.id),
                    Some(p) => p.named_incidents().into_iter().for_each(&mut add),
                    None => {}
                }
            }
        }
    }
    ids
}

/// Why the projection cannot be recomputed from the entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectFault {
    /// The payload part of entry `seq` is not in the bundle.
    NoPayload { seq: u64 },
    /// The payload of entry `seq` is invalid.
    Payload {
        seq: u64,
        error: crate::registry::PayloadError,
    },
    /// A view does not serialize (the serializer's words).
    Json(String),
}

impl std::fmt::Display for ProjectFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectFault::NoPayload { seq } => {
                write!(f, "entry {seq}: its payload part is not in the bundle")
            }
            ProjectFault::Payload { seq, error } => write!(f, "entry {seq}: {error}"),
            ProjectFault::Json(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ProjectFault {}

/// The entry as the projections read it; a revocation carries the
/// compromise `distrust` (replayed from the registry entries) says it
/// declared.
fn event_of(
    c: &CheckedEntry,
    distrust: &Distrust,
) -> Result<crate::projection::Event, ProjectFault> {
    let kind = c.body.kind;
    let payload = if kind.is_registry() || kind == Kind::Note {
        None
    } else {
        let bytes = c
            .parts
            .get(PAYLOAD)
            .ok_or(ProjectFault::NoPayload { seq: c.seq })?;
        Payload::parse(kind, bytes).map_err(|error| ProjectFault::Payload { seq: c.seq, error })?
    };
    Ok(crate::projection::Event {
        seq: c.seq,
        received_at: c.entry.received_at,
        hash: c.statement_hash,
        author: c.body.author,
        created_at: c.body.created_at,
        kind,
        refs: c.body.refs().collect(),
        parts: c
            .body
            .parts
            .iter()
            .map(|p| (p.label.clone(), p.length))
            .collect(),
        payload,
        revokes: if kind == Kind::Revoke {
            distrust
                .iter()
                .find(|(_, x)| x.revoked_at == c.seq)
                .map(|(k, x)| (*k, x.effective_at))
        } else {
            None
        },
    })
}

/// The projection of the scope's incidents, computed from the checked
/// entries alone, as of entry `as_of` (the checkpoint's last entry):
/// `{ incident id: IncidentView }`, the same view `temoin incident show`
/// gives from the archive (docs/DOMAIN.md).
pub fn project(
    scope: &Scope,
    entries: &[CheckedEntry],
    as_of: u64,
    distrust: &Distrust,
) -> Result<Value, ProjectFault> {
    views_json(&project_views(scope, entries, as_of, distrust)?)
}

/// The views of the scope's incidents, typed: `None` for an incident the
/// entries do not open. [`project`] is their JSON form.
pub fn project_views(
    scope: &Scope,
    entries: &[CheckedEntry],
    as_of: u64,
    distrust: &Distrust,
) -> Result<ScopeViews, ProjectFault> {
    use crate::projection::{Fold, IncidentView};
    use std::sync::Arc;
    let mut fold = Fold::new();
    for c in entries {
        fold.apply(Arc::new(event_of(c, distrust)?));
    }
    Ok(scope_incidents(scope, entries)
        .into_iter()
        .map(|id| {
            let view = fold
                .incidents()
                .contains_key(&id)
                .then(|| IncidentView::build(&id, fold.group(&id), as_of, distrust));
            (id, view)
        })
        .collect())
}

/// The JSON form of the views (`{ incident id: IncidentView or null }`), in
/// the scope's order, without their `data_conflicts`.
///
/// Why without: data conflicts (an account whose figures contradict each
/// other, docs/DOMAIN.md §4.3) are read off the claims blocks alone, and
/// were added to the view after bundles of `PROJECTION_FORMAT` were
/// exported — some of them hold such accounts. Left in, every such bundle
/// would now fail its projection check; a new format would make every
/// earlier bundle not comparable. The verifier recomputes them from the
/// entries anyway (`Verdict::views`), and the report shows them.
pub fn views_json(views: &ScopeViews) -> Result<Value, ProjectFault> {
    let mut out = serde_json::Map::new();
    for (id, view) in views {
        let mut v = serde_json::to_value(view).map_err(|e| ProjectFault::Json(e.to_string()))?;
        if let Value::Object(members) = &mut v {
            members.remove("data_conflicts");
        }
        out.insert(id.clone(), v);
    }
    Ok(Value::Object(out))
}

/// The views of a bundle's incidents, in the scope's order.
pub type ScopeViews = Vec<(String, Option<crate::projection::IncidentView>)>;
