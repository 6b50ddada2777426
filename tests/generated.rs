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
                .filter(|n| !cases::names().contains(n) && n != "formats")
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

/// The schema cases whose bundle is also checked in every runner format.
const FORMAT_CASES: [&str; 1] = ["vibes"];

/// `generated/formats/<case>/<format>/` is exactly what `generate --format`
/// writes now, for every runner format (psql is the case's own folder).
#[test]
fn runner_formats_are_current() {
    use keyshift::render::{Bundle, Format, formats::runner_files};
    let update = update_requested(std::env::var("UPDATE_GENERATED").ok().as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
    let root = cases::repo().join("generated").join("formats");
    let mut stale = Vec::new();
    for case in FORMAT_CASES {
        let output = cases::output(case);
        for format in Format::ALL.into_iter().filter(|f| *f != Format::Psql) {
            let mut bundle = Bundle::default();
            for (name, text) in runner_files(format, &output.bundle, None)
                .unwrap_or_else(|e| panic!("{case} --format {format}: {e}"))
            {
                bundle.insert(&name, text);
            }
            let dir = root.join(case).join(format.name());
            if update {
                bundle.write_to(&dir).expect("write generated/formats/");
                continue;
            }
            let drift = bundle.drift(&dir).expect("read generated/formats/");
            if !drift.diffs.is_empty() {
                stale.push(format!(
                    "generated/formats/{case}/{format}:\n{}",
                    drift.diffs.join("")
                ));
            }
        }
        let mut extra: Vec<String> = std::fs::read_dir(root.join(case))
            .map(|d| {
                d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .filter(|n| {
                        !Format::ALL
                            .iter()
                            .any(|f| f.name() == n && *f != Format::Psql)
                    })
                    .collect()
            })
            .unwrap_or_default();
        extra.sort();
        assert!(
            extra.is_empty(),
            "generated/formats/{case} has folders of no format: {extra:?}"
        );
    }
    let cases_on_disk: Vec<String> = std::fs::read_dir(&root)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| !FORMAT_CASES.contains(&n.as_str()))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        cases_on_disk.is_empty(),
        "generated/formats/ has cases not in FORMAT_CASES: {cases_on_disk:?}"
    );
    assert!(
        stale.is_empty(),
        "generated/formats/ is out of date; run `UPDATE_GENERATED=1 cargo test --test generated`:\n{}",
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
