//! From an author's JSON file to a draft statement (docs/DOMAIN.md).
//!
//! The input is one JSON object. A few fields become refs or parts of
//! their own; everything else is the kind's `payload` part, checked here,
//! before signing, so that an author working offline learns of a mistake
//! at once rather than when the archive refuses the statement weeks later.
//!
//! | kind | fields taken out | become |
//! |---|---|---|
//! | note | `text` | part `text` (the only part) |
//! | testimony | `text`, `translation`, `witness` | parts of those names |
//! | amendment | `amends`; with `testimony`: `text`, `translation`, `witness` | ref; parts |
//! | retraction | `retracts` | ref |
//! | annotation | `on` | ref |
//! | redaction | `statement` | ref |
//! | every kind | `created_at` (optional, `YYYY-MM-DDTHH:MM:SSZ`) | the claimed creation time |

use crate::domain::{Payload, TEXT, TRANSLATION, WITNESS};
use crate::hash::Digest;
use crate::registry::{PayloadError, RegistryChange, PAYLOAD};
use crate::statement::{Draft, Kind};
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the input is not JSON: {0}")]
    Json(String),
    #[error("the input must be a JSON object")]
    NotAnObject,
    #[error("field {field:?}: {reason}")]
    Field { field: &'static str, reason: String },
    #[error("{kind} statements cannot be made from a JSON file ({hint})")]
    NotComposable { kind: Kind, hint: &'static str },
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

fn take_ref(obj: &mut Map<String, Value>, field: &'static str) -> Result<Digest, ComposeError> {
    let v = obj.remove(field).ok_or(ComposeError::Field {
        field,
        reason: "missing: give the statement hash (64 hex digits) it applies to".into(),
    })?;
    v.as_str()
        .map(|s| s.trim().to_ascii_lowercase())
        .and_then(|s| Digest::from_hex(&s))
        .ok_or(ComposeError::Field {
            field,
            reason: "must be a statement hash, 64 hex digits".into(),
        })
}

fn take_text_part(
    obj: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<Vec<u8>>, ComposeError> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.into_bytes())),
        Some(other) if field == WITNESS => Ok(Some(
            serde_json::to_vec(&other).map_err(|e| ComposeError::Json(e.to_string()))?,
        )),
        Some(_) => Err(ComposeError::Field {
            field,
            reason: "must be a string".into(),
        }),
    }
}

/// Build the draft of a `kind` statement from the author's JSON text.
pub fn draft_from_json(kind: Kind, input: &[u8]) -> Result<Draft, ComposeError> {
    let value: Value =
        crate::json::from_slice(input).map_err(|e| ComposeError::Json(e.to_string()))?;
    let Value::Object(mut obj) = value else {
        return Err(ComposeError::NotAnObject);
    };
    let mut draft = Draft::new(kind);
    if let Some(t) = obj.remove("created_at") {
        let ms = t
            .as_str()
            .and_then(crate::time::parse_time)
            .ok_or(ComposeError::Field {
                field: "created_at",
                reason: "must be a time like 2025-11-20T10:00:00Z".into(),
            })?;
        draft.created_at = Some(ms);
    }
    let ref_field = match kind {
        Kind::Amendment => Some("amends"),
        Kind::Retraction => Some("retracts"),
        Kind::Annotation => Some("on"),
        Kind::Redaction => Some("statement"),
        _ => None,
    };
    if let Some(f) = ref_field {
        draft.refs.push(take_ref(&mut obj, f)?);
    }
    let separate_parts = match kind {
        Kind::Note => {
            let text = take_text_part(&mut obj, TEXT)?.ok_or(ComposeError::Field {
                field: "text",
                reason: "a note needs a \"text\"".into(),
            })?;
            if let Some(k) = obj.keys().next() {
                return Err(ComposeError::Field {
                    field: "text",
                    reason: format!("a note has only \"text\"; unexpected field {k:?}"),
                });
            }
            return Ok(draft.part(TEXT, text));
        }
        Kind::Genesis => {
            return Err(ComposeError::NotComposable {
                kind,
                hint: "use `temoin init`",
            })
        }
        Kind::Testimony => true,
        Kind::Amendment => obj.contains_key("testimony"),
        _ => false,
    };
    let mut parts = Vec::new();
    if separate_parts {
        for label in [TEXT, TRANSLATION, WITNESS] {
            let field = match label {
                TEXT => "text",
                TRANSLATION => "translation",
                _ => "witness",
            };
            if let Some(content) = take_text_part(&mut obj, field)? {
                parts.push((label, content));
            }
        }
        // The archive refuses a testimony without its text (docs/DOMAIN.md):
        // said here, at signing, not by the archive after the file travelled.
        if !parts.iter().any(|(l, _)| *l == TEXT) {
            return Err(ComposeError::Field {
                field: "text",
                reason: "a testimony needs its \"text\": the account as the witness gave it".into(),
            });
        }
    }
    let payload =
        serde_json::to_vec(&Value::Object(obj)).map_err(|e| ComposeError::Json(e.to_string()))?;
    // Check the payload now, as the archive will.
    if kind.is_registry() {
        let nobody = crate::keys::PublicKey::from_bytes(&[0u8; 32])
            .map_err(|e| ComposeError::Json(e.to_string()))?;
        RegistryChange::from_payload(kind, nobody, &payload)?;
    } else {
        if let Some(parsed) = Payload::parse(kind, &payload)? {
            check_codes(&parsed)?;
        }
    }
    draft = draft.part(PAYLOAD, payload);
    for (label, content) in parts {
        draft = draft.part(label, content);
    }
    Ok(draft)
}

/// Country and language codes, checked at signing with the fix
/// (`codes`): the archive's rules accept what they accepted before.
fn check_codes(p: &Payload) -> Result<(), ComposeError> {
    use crate::codes::{country_fault, language_fault};
    let (incident, testimony, amended) = match p {
        Payload::Incident(i) => (Some(i), None, false),
        Payload::Testimony(t) => (None, Some(t), false),
        Payload::Amendment(a) => (a.incident.as_ref(), a.testimony.as_ref(), true),
        _ => (None, None, false),
    };
    if let Some(reason) = incident.and_then(|i| country_fault(&i.place.country)) {
        return Err(ComposeError::Field {
            field: if amended {
                "incident.place.country"
            } else {
                "place.country"
            },
            reason,
        });
    }
    if let Some(reason) = testimony.and_then(|t| language_fault(&t.language)) {
        return Err(ComposeError::Field {
            field: if amended {
                "testimony.language"
            } else {
                "language"
            },
            reason,
        });
    }
    Ok(())
}
