//! What a database holds, for the two comparisons a kill calls for.
//!
//! - [`Exact`]: `pg_dump --schema-only` (fixed restrict key) and
//!   `Database::data_snapshot`, as the round trip compares them. A kill
//!   before any COMMIT of a file must leave exactly the state before it.
//! - [`normalized`]: the end state of a file, to compare a run that was
//!   killed and run again with one that was not. Forward's UUIDs come from a
//!   random key that lives only in its transaction, so two runs give the
//!   same rows under different UUIDs. Each UUID that a `keyshift` id map
//!   holds is written as the map and old id it stands for; a UUID the state
//!   before the file already held is kept; any other (a surrogate key's
//!   `gen_random_uuid()`) becomes `<new uuid>`. The rows themselves are
//!   listed in full (not hashed), one line each, sorted after that
//!   rewriting.

use crate::support::Database;
use std::collections::{BTreeMap, BTreeSet};

/// The schema dump and data snapshot of a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exact {
    pub dump: String,
    pub data: String,
}

impl Exact {
    /// Reads both from `db`.
    pub fn of(db: &Database) -> Exact {
        Exact {
            dump: db.dump_schema(),
            data: db.data_snapshot(),
        }
    }

    /// `Ok` if `self` (found) equals `expected`, else a diff of what differs.
    pub fn compare(&self, expected: &Exact, what: &str) -> Result<(), String> {
        compare(&expected.dump, &self.dump, &format!("{what}: schema dump"))?;
        compare(&expected.data, &self.data, &format!("{what}: data"))
    }
}

/// `Ok` if `found == expected`, else a unified diff under `what`.
pub fn compare(expected: &str, found: &str, what: &str) -> Result<(), String> {
    if expected == found {
        return Ok(());
    }
    Err(format!(
        "{what} differs:\n{}",
        similar::TextDiff::from_lines(expected, found)
            .unified_diff()
            .context_radius(3)
            .header("expected", "found")
    ))
}

/// Every row of every table (`FROM ONLY`, so each partition and child holds
/// its own) and populated materialized view (without its date and time
/// columns, as `data_snapshot`: a refill at another moment differs there),
/// each as JSON text on one line, and every sequence's position.
const ROWS_SQL: &str = r#"
SELECT CASE c.relkind
    WHEN 'S' THEN format(
        'SELECT %L || '' '' || last_value || '' '' || is_called FROM %I.%I',
        n.nspname || '.' || c.relname, n.nspname, c.relname)
    WHEN 'm' THEN CASE WHEN c.relispopulated THEN format(
        'SELECT %L || '' '' || to_json(r::text) FROM (SELECT %s FROM %I.%I) AS r',
        n.nspname || '.' || c.relname,
        (SELECT coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), 'NULL')
         FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.atttypid NOT IN ('date'::regtype, 'time'::regtype, 'timetz'::regtype,
                                  'timestamp'::regtype, 'timestamptz'::regtype)),
        n.nspname, c.relname)
    ELSE format('SELECT %L', n.nspname || '.' || c.relname || ' not populated')
    END
    ELSE format(
        'SELECT %L || '' '' || to_json((r.*)::text) FROM ONLY %I.%I AS r',
        n.nspname || '.' || c.relname, n.nspname, c.relname)
    END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'S', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND n.nspname !~ '^pg_temp_'
\gexec
"#;

/// Each distinct map's rows: `<map as JSON> <old id> <new uuid>`.
const MAPS_SQL: &str = r#"
SELECT format('SELECT %L || '' '' || old_id || '' '' || new_id FROM %s', to_json(map::text), map)
FROM (SELECT DISTINCT map FROM keyshift.id_map) AS m
\gexec
"#;

/// Every UUID in `dump` and in every row of `db`: what the state before a
/// file already held, kept as is by [`normalized`].
pub fn uuids_before(db: &Database, dump: &str) -> BTreeSet<String> {
    let mut found: BTreeSet<String> = uuids_in(dump).into_iter().collect();
    for line in db.query_rows(ROWS_SQL) {
        found.extend(uuids_in(&line));
    }
    found
}

/// The schema dump and all rows of `db`, UUIDs rewritten (see the module
/// docs); `known` are the UUIDs the state before the file held.
pub fn normalized(db: &Database, known: &BTreeSet<String>) -> String {
    let labels = map_labels(db);
    let dump = mask(&db.dump_schema(), &labels, known);
    let mut rows: Vec<String> = db
        .query_rows(ROWS_SQL)
        .iter()
        .map(|line| mask(&mask_forward_xid(line), &labels, known))
        .collect();
    rows.sort();
    format!("{dump}\n-- rows --\n{}\n", rows.join("\n"))
}

/// `keyshift.state`'s row with the transaction id forward recorded (its
/// third field) as `<forward's transaction>`: like forward's uuids, it
/// differs from run to run.
fn mask_forward_xid(line: &str) -> String {
    match line
        .strip_prefix("keyshift.state \"(")
        .and_then(|row| row.strip_suffix(")\""))
        .and_then(|row| row.rsplit_once(','))
    {
        Some((head, xid)) if !xid.is_empty() && xid.bytes().all(|b| b.is_ascii_digit()) => {
            format!("keyshift.state \"({head},<forward's transaction>)\"")
        }
        _ => line.to_owned(),
    }
}

/// uuid → `map#old id`, from every `keyshift` id map there is.
fn map_labels(db: &Database) -> BTreeMap<String, String> {
    let has_maps = db.query_rows("SELECT to_regclass('keyshift.id_map') IS NOT NULL");
    if has_maps != ["t"] {
        return BTreeMap::new();
    }
    db.query_rows(MAPS_SQL)
        .into_iter()
        .filter_map(|line| {
            let (rest, new_id) = line.rsplit_once(' ')?;
            let (map, old_id) = rest.rsplit_once(' ')?;
            Some((new_id.to_owned(), format!("{map}#{old_id}")))
        })
        .collect()
}

/// `text` with each UUID replaced as the module docs say.
fn mask(text: &str, labels: &BTreeMap<String, String>, known: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, uuid) in uuid_spans(text) {
        out.push_str(&text[last..at]);
        match labels.get(uuid) {
            Some(label) => out.push_str(&format!("<uuid of {label}>")),
            None if known.contains(uuid) => out.push_str(uuid),
            None => out.push_str("<new uuid>"),
        }
        last = at + uuid.len();
    }
    out.push_str(&text[last..]);
    out
}

fn uuids_in(text: &str) -> Vec<String> {
    uuid_spans(text)
        .into_iter()
        .map(|(_, u)| u.to_owned())
        .collect()
}

/// Every UUID as PostgreSQL prints one (lower-case `8-4-4-4-12` hex), with
/// its byte offset, not part of a longer run of hex digits and dashes.
fn uuid_spans(text: &str) -> Vec<(usize, &str)> {
    const LEN: usize = 36;
    let b = text.as_bytes();
    let part = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c) || c == b'-';
    let mut found = Vec::new();
    let mut i = 0;
    while i + LEN <= b.len() {
        let is_uuid = (i == 0 || !part(b[i - 1]))
            && b.get(i + LEN).is_none_or(|&c| !part(c))
            && b[i..i + LEN].iter().enumerate().all(|(j, &c)| {
                if matches!(j, 8 | 13 | 18 | 23) {
                    c == b'-'
                } else {
                    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
                }
            });
        if is_uuid {
            found.push((i, &text[i..i + LEN]));
            i += LEN;
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_xid_is_masked() {
        assert_eq!(
            mask_forward_xid(r#"keyshift.state "(078d0b68c043c5d8,forward,843)""#),
            r#"keyshift.state "(078d0b68c043c5d8,forward,<forward's transaction>)""#
        );
        for kept in [
            r#"keyshift.state "(078d0b68c043c5d8,expand,)""#,
            r#"keyshift.swap "(1,x,843)""#,
        ] {
            assert_eq!(mask_forward_xid(kept), kept);
        }
    }

    #[test]
    fn uuids_are_found_and_masked() {
        let u = "0f0e0d0c-0b0a-4908-8706-050403020100";
        let v = "11111111-2222-4333-8444-555555555555";
        let w = "99999999-2222-4333-8444-555555555555";
        let text = format!("({u},x,{v}) '{w}'::uuid abc{u}0");
        let labels = BTreeMap::from([(u.to_owned(), "m#1".to_owned())]);
        let known = BTreeSet::from([v.to_owned()]);
        assert_eq!(
            mask(&text, &labels, &known),
            format!("(<uuid of m#1>,x,{v}) '<new uuid>'::uuid abc{u}0")
        );
    }
}
