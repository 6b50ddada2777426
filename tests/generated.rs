//! `generated/` must be exactly what the code renders now. Run with
//! `UPDATE_GENERATED=1` to rewrite it after an intended change.

mod cases;

#[test]
fn generated_is_current() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
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
