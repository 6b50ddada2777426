//! No text from a catalog or a schema file may turn into a psql
//! meta-command: psql runs `\!` lines in a shell, `\o` writes files and `\i`
//! reads them, wherever a backslash stands outside a quoted string, a
//! quoted identifier or a comment. This test lexes every SQL file keyshift
//! renders for the schema cases (`schema/hostile_text` puts line breaks and
//! meta-commands into every kind of catalog text) the way psql does, and
//! allows exactly one meta-command per file: the header's
//! `\set ON_ERROR_STOP on`. The live proof that none ran is in
//! `tests/matrix` (`assert_no_meta_command_ran`).

mod cases;

/// A meta-command found outside quoted text: (1-based line, text to the end
/// of the line).
type Meta = (usize, String);

/// Finds every backslash psql would read as the start of a meta-command.
/// Follows psql's lexer (`psqlscan.l`) where it matters here: a `--`
/// comment ends at a line feed *or* a carriage return; `/* */` comments
/// nest; `''` doubles a quote; an `E'…'` string also escapes with a
/// backslash; `$tag$` only opens a dollar quote where an identifier could
/// not continue.
fn meta_commands(sql: &str) -> Vec<Meta> {
    let b = sql.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let line_of = |i: usize| b[..i].iter().filter(|&&c| c == b'\n').count() + 1;
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' => {
                let escapes =
                    i > 0 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !ident(b[i - 2]));
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' if escapes => i += 2,
                        b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
                        b'\'' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'"' => {
                i += 1;
                while i < b.len() && !(b[i] == b'"' && b.get(i + 1) != Some(&b'"')) {
                    i += if b[i] == b'"' { 2 } else { 1 };
                }
                i += 1;
            }
            b'$' if i == 0 || !ident(b[i - 1]) => {
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
                    .map(|n| i + 1 + n);
                match tag_end {
                    Some(end)
                        if b[end] == b'$' && !b.get(i + 1).is_some_and(u8::is_ascii_digit) =>
                    {
                        let tag = &sql[i..=end];
                        i = sql[end + 1..]
                            .find(tag)
                            .map_or(b.len(), |n| end + 1 + n + tag.len());
                    }
                    _ => i += 1,
                }
            }
            b'\\' => {
                let end = sql[i..].find(['\n', '\r']).map_or(sql.len(), |n| i + n);
                found.push((line_of(i), sql[i..end].to_string()));
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

#[test]
fn no_rendered_file_holds_a_stray_meta_command() {
    let mut problems = Vec::new();
    let mut files = 0;
    for name in cases::names() {
        for (file, text) in cases::output(&name).bundle.files() {
            if !file.ends_with(".sql") {
                continue;
            }
            files += 1;
            let found = meta_commands(text);
            let allowed = found.len() == 1 && found[0].1 == "\\set ON_ERROR_STOP on";
            if !allowed {
                problems.push(format!("{name}/{file}: {found:?}"));
            }
        }
    }
    assert!(files > 100, "only {files} files were checked");
    assert!(
        problems.is_empty(),
        "meta-commands outside quoted text:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_lexer_finds_what_psql_would_run() {
    let metas =
        |sql: &str| -> Vec<String> { meta_commands(sql).into_iter().map(|m| m.1).collect() };
    assert_eq!(metas("SELECT 1; \\! ls\n"), ["\\! ls"]);
    assert_eq!(metas("-- comment\r\\! ls\n"), ["\\! ls"]);
    assert_eq!(metas("-- comment \\! ls\n"), Vec::<String>::new());
    assert_eq!(metas("SELECT 'a\n\\! ls';"), Vec::<String>::new());
    assert_eq!(metas("SELECT E'a\\'\n\\! ls';"), Vec::<String>::new());
    assert_eq!(metas("SELECT 'a\\';\\! ls\n"), ["\\! ls"]);
    assert_eq!(metas("SELECT \"a\n\\o x\";"), Vec::<String>::new());
    assert_eq!(metas("AS $f$\n\\i x\n$f$;"), Vec::<String>::new());
    assert_eq!(metas("AS $x$ a $x$ \\o y\n"), ["\\o y"]);
    assert_eq!(metas("SELECT a$b$ \\o y\n"), ["\\o y"]);
    assert_eq!(metas("/* a /* b */ \\! c */ \\! d"), ["\\! d"]);
}

/// The quoting functions and the comment writer, fed random text built
/// from every character that matters to psql's lexer: whatever the text,
/// psql must see no meta-command in the result. A fixed-seed generator
/// keeps the run repeatable.
#[test]
fn no_text_escapes_the_quoting_functions() {
    use keyshift::catalog::{dollar_quote, quote_ident, quote_literal};
    use keyshift::render::comment::sql_comment;
    const ALPHABET: &[&str] = &[
        "\n",
        "\r",
        "\r\n",
        "\\",
        "\\!",
        "\\o ",
        "\\i ",
        "'",
        "''",
        "\"",
        "$",
        "$$",
        "$keyshift$",
        "$keyshift",
        "keyshift$",
        "--",
        "/*",
        "*/",
        ";",
        "E",
        "e",
        " ",
        "a",
        "_",
        "1",
        "\u{2028}",
        "\u{0b}",
        "\u{85}",
        "é",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        for sql in [
            format!("{}\nSELECT 1;", sql_comment(&text)),
            format!("SELECT {};", quote_literal(&text)),
            format!("SELECT 1 AS {};", quote_ident(&text)),
            format!(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS {};",
                dollar_quote(&text)
            ),
        ] {
            let found = meta_commands(&sql);
            assert!(found.is_empty(), "{text:?} escaped: {sql:?} -> {found:?}");
        }
    }
}

/// The texts this session's features write from names and from
/// keyshift.toml: candidate blockers and notices, a dismissal's reason,
/// declared and kept orphans' messages, and polymorphic type values. Each
/// carries a line break and a meta-command here, in both the blocking and
/// the warning mode.
#[test]
fn candidate_and_reference_texts_stay_quoted() {
    let schema = "CREATE TABLE posts (id serial PRIMARY KEY);
CREATE TABLE \"x\n\\! touch pwned\npost_id_holder\" (id serial PRIMARY KEY,
    \"a\n\\! touch pwned\npost_id\" integer,
    \"b\n\\o /tmp/x\nposts_id\" integer,
    \"c\n\\! id\nsubject_type\" text, \"c\n\\! id\nsubject_id\" integer,
    \"d\n\\! ls\npost_id\" integer);
";
    let table = "public.\"x\n\\! touch pwned\npost_id_holder\"";
    let toml = |s: &str| keyshift::config::toml_string(s);
    for mode in ["block", "warn"] {
        let config = format!(
            "undeclared_references = \"{mode}\"\n\n\
             [[not_a_reference]]\ncolumn = {}\nreason = {}\n\n\
             [[reference]]\nfrom = {}\nto = \"public.posts.id\"\non_orphan = \"keep\"\n\n\
             [[polymorphic]]\ntable = {}\ntype_column = {}\nid_column = {}\ntypes = {{ {} = \"public.posts\" }}\n",
            toml(&format!("{table}.\"b\n\\o /tmp/x\nposts_id\"")),
            toml("history\n\\! touch pwned"),
            toml(&format!("{table}.\"d\n\\! ls\npost_id\"")),
            toml(table),
            toml("c\n\\! id\nsubject_type"),
            toml("c\n\\! id\nsubject_id"),
            toml("Post'\n\\! touch pwned"),
        );
        let config = keyshift::config::Config::parse("keyshift.toml", &config)
            .unwrap_or_else(|e| panic!("{e}"));
        let output = keyshift::pipeline::run_configured(
            "schema.sql",
            schema,
            &keyshift::plan::Options::default(),
            Some(&config),
        )
        .unwrap_or_else(|_| panic!("the schema plans"));
        assert_eq!(
            output.plan.candidates.len(),
            1,
            "{mode}: one candidate is left open"
        );
        let mut files = 0;
        for (file, text) in output.bundle.files() {
            if !file.ends_with(".sql") {
                continue;
            }
            files += 1;
            let found = meta_commands(text);
            assert!(
                found.len() == 1 && found[0].1 == "\\set ON_ERROR_STOP on",
                "{mode}/{file}: {found:?}"
            );
        }
        assert!(files > 5);
        let preflight = output
            .bundle
            .files()
            .find(|(f, _)| *f == "preflight.sql")
            .map(|(_, t)| t.to_string())
            .expect("preflight.sql");
        for text in ["touch pwned", "\\! ls", "\\! id"] {
            assert!(
                preflight.contains(text),
                "{mode}: the hostile text {text:?} reaches preflight.sql (quoted)"
            );
        }
    }
}

/// Catalog expressions PLAN.md now quotes (issue 11 §3, "Ids used as
/// integers"): a computed default, policy `USING` and `WITH CHECK`
/// expressions, a trigger's `WHEN` and a rule's `WHERE`, each holding a
/// line break and a meta-command in a string literal or a comment, on a
/// table whose name holds them too. No SQL file may carry them outside
/// quoted text, and in PLAN.md each stays on its own list line, inside a
/// code span.
#[test]
fn integer_use_texts_stay_quoted() {
    let schema = "CREATE TABLE \"t\n\\! touch pwned\nx\" (id serial PRIMARY KEY, note text,
    CONSTRAINT \"c\n\\! touch pwned\" CHECK (id <> /*\n\\! touch pwned_fixed\n*/ 1 OR note <> '\n\\! touch pwned_note'));
CREATE INDEX \"i\n\\! touch pwned\" ON \"t\n\\! touch pwned\nx\" (note) WHERE id IN (2, /*\n\\! touch pwned_index\n*/ 3);
CREATE TABLE child (id serial PRIMARY KEY,
    t_id integer DEFAULT current_setting('app.t\n\\! touch pwned_default')::integer
        REFERENCES \"t\n\\! touch pwned\nx\" (id));
CREATE POLICY \"p\n\\! touch pwned\" ON \"t\n\\! touch pwned\nx\"
    USING (id = current_setting('app.t\n\\! touch pwned_using')::integer)
    WITH CHECK (id <> /*\n\\! touch pwned_check\n*/ 1);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER \"g\n\\! touch pwned\" BEFORE UPDATE ON \"t\n\\! touch pwned\nx\"
    FOR EACH ROW WHEN (old.id > 1000 AND old.note <> '\n\\! touch pwned_when') EXECUTE FUNCTION f();
CREATE RULE \"r\n\\! touch pwned\" AS ON DELETE TO \"t\n\\! touch pwned\nx\"
    WHERE old.id = 1 AND old.note <> E'\\n\n\\\\! touch pwned_rule'
    DO INSTEAD NOTHING;
";
    let output = keyshift::pipeline::run("schema.sql", schema, &keyshift::plan::Options::default())
        .unwrap_or_else(|e| panic!("the schema plans: {e}"));
    // The fixed ids of the policy's WITH CHECK, the CHECK constraint and
    // the index are translated.
    assert_eq!(
        output.plan.integer_uses.len(),
        4,
        "{:#?}",
        output.plan.integer_uses
    );
    assert_eq!(
        output.plan.translations.len(),
        3,
        "{:#?}",
        output.plan.translations
    );
    for (file, text) in output.bundle.files() {
        if file.ends_with(".sql") {
            let found = meta_commands(text);
            assert!(
                found.len() == 1 && found[0].1 == "\\set ON_ERROR_STOP on",
                "{file}: {found:?}"
            );
        }
    }
    let plan_md = output
        .bundle
        .files()
        .find(|(f, _)| *f == "PLAN.md")
        .map(|(_, t)| t.to_string())
        .expect("PLAN.md");
    let section = plan_md
        .split("## Ids used as integers")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("PLAN.md lists the ids used as integers");
    for suffix in ["_default", "_using", "_when", "_rule"] {
        let hit = format!("touch pwned{suffix}");
        let line = section
            .lines()
            .find(|l| l.contains(&hit))
            .unwrap_or_else(|| panic!("{hit} is listed:\n{section}"));
        assert!(line.starts_with("- "), "{hit} starts its list item: {line}");
    }
    assert!(
        !section.lines().any(|l| l.trim_start().starts_with('\\')),
        "no line of the section starts with a backslash:\n{section}"
    );
    // The translated objects' names stay inside their table rows.
    let fixed = plan_md
        .split("## Fixed ids translated")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("PLAN.md lists the fixed ids");
    let rows: Vec<&str> = fixed.lines().filter(|l| l.contains("pwned")).collect();
    assert_eq!(rows.len(), 4, "{fixed}");
    assert!(rows.iter().all(|l| l.starts_with("| ")), "{fixed}");
}
