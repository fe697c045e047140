//! A JSON file with several mistakes gets every one of them at once, each
//! with its path and value, in the order of the file, at signing and at
//! ingest alike (crates/temoin-core/src/json.rs, `from_slice_all`).

use crate::common;

const THREE_ERRORS: &str = r#"{
  "incidents": ["tangata-2025-11-13"],
  "source": {"relation": "eyewitness", "descripton": "notable"},
  "language": "fr",
  "text": "Sept morts.",
  "claims": [{"incident": "tangata-2025-11-13", "dead": "sept",
              "victims": [{"name": "A", "sex": "male", "status": "dead"},
                          {"name": "B", "sex": "F", "status": "dead"}]}]
}"#;

#[test]
fn sign_reports_every_error_of_the_file_with_its_path_and_value_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let key = d.join("a.key");
    let (code, _, err) = common::temoin(&["key", "generate", "--out", key.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let input = d.join("t.json");
    std::fs::write(&input, THREE_ERRORS).unwrap();
    let out = d.join("t.tms");
    let args = [
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--kind",
        "testimony",
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let (code, _, err) = common::temoin(&args);
    assert_eq!(code, 2, "{err}");
    assert!(!out.exists(), "a refused file was written");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].ends_with("3 errors:"), "{err}");
    assert!(
        lines[1].contains("source.descripton: unknown field"),
        "{err}"
    );
    assert!(lines[1].contains("description"), "the allowed names: {err}");
    assert!(lines[2].contains(r#"claims[0].dead: "sept""#), "{err}");
    assert!(
        lines[3].contains(r#"claims[0].victims[1].sex: "F" is not one of female, male, unknown"#),
        "{err}"
    );
    // The same, every time.
    assert_eq!(common::temoin(&args).2, err);

    // Fixed, it signs.
    let fixed = THREE_ERRORS
        .replace("descripton", "description")
        .replace("\"sept\"", "7")
        .replace("\"F\"", "\"female\"");
    std::fs::write(&input, fixed).unwrap();
    let (code, _, err) = common::temoin(&args);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn ingest_refuses_a_payload_naming_every_error() {
    use temoin::registry::{PayloadError, PAYLOAD};
    use temoin::rules::RuleError;
    use temoin::statement::{Draft, Kind};
    let f = common::Fixture::standard(0);
    let mut a = f.open();
    let payload = serde_json::json!({
        "id": "Bad Id", "title": 5, "type": "x",
        "place": {"name": "p", "country": "ML", "pays": "Mali"},
        "when": {"start": "2025-01-01", "precision": "roughly"}
    });
    let file = Draft::new(Kind::Incident)
        .part(PAYLOAD, serde_json::to_vec(&payload).unwrap())
        .sign(&f.keys.ngo)
        .unwrap();
    let r = a.ingest(&file).unwrap().unwrap_err();
    let temoin::archive::Refusal::Rule(RuleError::Payload(PayloadError::Json { errors, .. })) = &r
    else {
        panic!("{r}")
    };
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    // serde_json's Value (what the test wrote the payload with) sorts members.
    assert_eq!(paths, ["place.pays", "title", "when.precision"], "{r}");
    let said = r.to_string();
    assert!(said.contains("3 errors"), "{said}");
}

/// Why a value is refused reaches a French user in French, JSON names
/// kept as she must write them: the country code's fix, a victim's
/// contradiction, a figure's range.
#[test]
fn the_reasons_are_said_in_french() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let key = d.join("a.key");
    let (code, _, err) = common::temoin(&["key", "generate", "--out", key.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let sign = |kind: &str, json: &str| {
        let input = d.join(format!("{kind}.json"));
        std::fs::write(&input, json).unwrap();
        let out = d.join(format!("{kind}.tms"));
        let (code, _, err) = common::temoin(&[
            "--lang",
            "fr",
            "sign",
            "--key",
            key.to_str().unwrap(),
            "--kind",
            kind,
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(!out.exists());
        err
    };
    let err = sign(
        "incident",
        r#"{"id": "tangata-2025-11-13", "title": "Frappe", "type": "drone strike",
            "place": {"name": "Tangata", "country": "Mali"},
            "when": {"start": "2025-11-13", "precision": "exact"}}"#,
    );
    assert!(
        err.contains(
            r#"place.country : "Mali" n'est pas un code de pays ISO 3166-1 alpha-2 : écrivez "ML""#
        ),
        "{err}"
    );
    let err = sign(
        "testimony",
        r#"{"incidents": ["tangata-2025-11-13"], "language": "fr", "text": "…",
            "source": {"relation": "eyewitness"},
            "claims": [{"incident": "tangata-2025-11-13", "dead": {"min": 9, "max": 7},
              "victims": [{"name": "A", "sex": "male", "status": "injured", "acts": ["killed"]}]}]}"#,
    );
    assert!(
        err.contains("dead : le minimum 9 de l'intervalle dépasse son maximum 7"),
        "{err}"
    );
    assert!(!err.contains("range min"), "English left in: {err}");
}
