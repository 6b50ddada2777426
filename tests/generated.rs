//! `generated/` must be exactly what the code renders now. Run with
//! `UPDATE_GENERATED=1` to rewrite it after an intended change. Only a true
//! value (`1`, `true`, `yes`, `on`) rewrites; a false one (`0`, `false`,
//! `no`, `off`, empty) checks, and anything else is refused: a check that
//! silently rewrites what it checks can never fail.

mod cases;

#[test]
fn generated_is_current() {
    let update = update_requested(std::env::var("UPDATE_GENERATED").ok().as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stale = Vec::new();
    for name in cases::names() {
        let bundle = cases::output(&name).bundle;
        let dir = cases::repo().join("generated").join(&name);
        if update {
            bundle.write_to(&dir).expect("write generated/");
            continue;
        }
        let drift = bundle.drift(&dir).expect("read generated/");
        if !drift.diffs.is_empty() {
            stale.push(format!("generated/{name}:\n{}", drift.diffs.join("")));
        }
    }
    let mut extra: Vec<String> = std::fs::read_dir(cases::repo().join("generated"))
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| !cases::names().contains(n))
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    assert!(
        extra.is_empty(),
        "generated/ has folders with no schema case: {extra:?}"
    );
    assert!(
        stale.is_empty(),
        "generated/ is out of date; run `UPDATE_GENERATED=1 cargo test --test generated`:\n{}",
        stale.join("\n")
    );
}

/// Whether `UPDATE_GENERATED` asks for a rewrite: `Ok(true)` only for a true
/// value, `Ok(false)` when unset or false, `Err` for anything else.
fn update_requested(value: Option<&str>) -> Result<bool, String> {
    let Some(value) = value else { return Ok(false) };
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!(
            "UPDATE_GENERATED={other:?} is neither true (1, true, yes, on) nor false (0, false, no, off, empty)"
        )),
    }
}

#[test]
fn only_a_true_update_generated_rewrites() {
    for value in ["1", "true", "TRUE", "yes", "on"] {
        assert_eq!(update_requested(Some(value)), Ok(true), "{value}");
    }
    for value in ["0", "false", "no", "off", "", " "] {
        assert_eq!(update_requested(Some(value)), Ok(false), "{value:?}");
    }
    assert_eq!(update_requested(None), Ok(false));
    assert!(update_requested(Some("2")).is_err());
}
