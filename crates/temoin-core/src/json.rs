//! The one reader of JSON that comes from outside: payloads, the author's
//! input to `sign`, receipts, consistency proofs and bundles
//! (docs/FORMAT.md §1: "a member given twice is refused").
//!
//! serde_json keeps the last of two members with one name, silently, and
//! so do most other parsers; a verifier in another language may keep the
//! first. Such a file means two things at once, so it is refused: one pass
//! checks every object of the text for a repeated name, then the text is
//! read into its type.
//!
//! It also writes temoin's own JSON ([`to_vec`], [`to_string_pretty`]).

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Read `bytes` as a `T`, refusing any object that gives a member twice.
/// An error names the field it is about, as a path from the top
/// (`claims[0].victims[1].sex: unknown variant `F`, …`).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice::<NoRepeatedMember>(bytes)?;
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut d).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner
        } else {
            de::Error::custom(format_args!("{path}: {inner}"))
        }
    })?;
    d.end()?;
    Ok(value)
}

/// Any JSON value in which no object names a member twice.
struct NoRepeatedMember;

impl<'de> de::Deserialize<'de> for NoRepeatedMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoRepeatedMember)
    }
}

impl<'de> Visitor<'de> for NoRepeatedMember {
    type Value = NoRepeatedMember;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoRepeatedMember>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if names.contains(&name) {
                let shown: String = name.chars().take(40).collect();
                return Err(de::Error::custom(format_args!(
                    "member {shown:?} is given twice in one object"
                )));
            }
            map.next_value::<NoRepeatedMember>()?;
            names.insert(name);
        }
        Ok(self)
    }
}

/// JSON bytes of a value of one of temoin's own types (payloads, receipts,
/// bundles). Their serialisation cannot fail: string map keys only, no
/// fallible `Serialize` impl. Were it ever to, that is a bug to surface at
/// once, never an empty payload to sign or an empty file to write.
pub fn to_vec<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("temoin's own types always serialise to JSON")
}

/// [`to_vec`], indented, as a string (the form of saved files).
pub fn to_string_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("temoin's own types always serialise to JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_given_twice_is_refused_at_any_depth() {
        #[derive(serde::Deserialize, Debug)]
        struct Open {
            #[allow(dead_code)]
            v: serde_json::Value,
        }
        for bad in [
            r#"{"v": 1, "v": 2}"#,
            r#"{"v": {"a": 1, "b": 2, "a": 3}}"#,
            r#"{"v": [{"x": [], "x": []}]}"#,
        ] {
            let e = from_slice::<Open>(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("given twice"), "{bad}: {e}");
            // serde_json alone takes it, keeping the last.
            assert!(serde_json::from_slice::<serde_json::Value>(bad.as_bytes()).is_ok());
        }
        let ok: Open = from_slice(br#"{"v": {"a": 1, "b": {"a": 2}}}"#).unwrap();
        assert_eq!(ok.v["b"]["a"], 2);
    }
}
