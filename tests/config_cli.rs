//! `--config keyshift.toml` as users run it: every mistake in the file is
//! one line naming `keyshift.toml:LINE:COL` and the object at fault, the
//! exit code is non-zero, and no bundle is written.

use std::path::Path;
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `generate` on `schema/rails_app` with `config` as `keyshift.toml`
/// in a fresh directory (the working directory, so messages name the file
/// as the user typed it).
fn generate(config: &str, extra: &[&str]) -> (Output, bool) {
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::write(work.path().join("keyshift.toml"), config).expect("write config");
    let schema = repo().join("schema/rails_app/schema.sql");
    let out = Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args([
            "generate",
            schema.to_str().expect("utf-8 path"),
            "--config",
            "keyshift.toml",
            "--out",
            "bundle",
        ])
        .args(extra)
        .current_dir(work.path())
        .output()
        .expect("run keyshift");
    let written = work.path().join("bundle").exists();
    (out, written)
}

/// The file is refused with exactly `expected` on stderr and nothing written.
fn refused(config: &str, expected: &str) {
    let (out, written) = generate(config, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!written, "a bundle was written for a bad config");
    assert_eq!(
        stderr.trim_end(),
        format!("error: {expected}"),
        "for:\n{config}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line:\n{stderr}");
}

#[test]
fn the_rails_config_generates() {
    let config = std::fs::read_to_string(repo().join("schema/rails_app/keyshift.toml"))
        .expect("rails_app config");
    let (out, written) = generate(&config, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(written);
}

#[test]
fn unknown_keys_are_refused_where_they_are() {
    refused(
        "exclude_table = [\"public.audit_log\"]\n",
        "keyshift.toml:1:1: unknown field `exclude_table`, expected one of `exclude_tables`, `drop_id_map`, `mode`, `uuid`, `read`, `reference`, `polymorphic`, `not_a_reference`, `undeclared_references`, `tables`, `views`",
    );
    refused(
        "[[reference]]\nform = \"public.comments.post_id\"\nto = \"public.posts.id\"\n",
        "keyshift.toml:2:1: unknown field `form`, expected one of `from`, `to`, `on_orphan`",
    );
    refused(
        "[tables.\"public.posts\"]\nsurrogate = true\n",
        "keyshift.toml:2:1: unknown field `surrogate`, expected one of `surrogate_key`, `uuid_time`, `sentinel`",
    );
}

#[test]
fn values_of_the_wrong_type_and_bad_syntax_are_refused() {
    refused(
        "mode = \"fast\"\n",
        "keyshift.toml:1:8: unknown mode \"fast\": use \"maintenance\" or \"online\"",
    );
    refused(
        "drop_id_map = \"yes\"\n",
        "keyshift.toml:1:15: invalid type: string \"yes\", expected a boolean",
    );
    refused(
        "[[reference]]\nfrom = \"public.comments.post_id\"\n",
        "keyshift.toml:1:1: missing field `to`",
    );
    refused(
        "exclude_tables = [\"public.audit_log\"\n",
        "keyshift.toml:1:37: unclosed array, expected `]`",
    );
}

#[test]
fn unknown_tables_and_columns_are_named() {
    refused(
        "exclude_tables = [\"public.audit_logs\"]\n",
        "keyshift.toml:1:19: no table public.audit_logs in the schema",
    );
    refused(
        "\n[[reference]]\nfrom = \"public.comments.postid\"\nto = \"public.posts.id\"\n",
        "keyshift.toml:3:8: table public.comments has no column \"postid\"",
    );
    refused(
        "[[reference]]\nfrom = \"comments\"\nto = \"public.posts.id\"\n",
        "keyshift.toml:2:8: \"comments\" is not a column name (write schema.table.column)",
    );
    refused(
        "[[polymorphic]]\ntable = \"taggings\"\ntype_column = \"kind\"\nid_column = \"taggable_id\"\ntypes = { Post = \"posts\" }\n",
        "keyshift.toml:3:15: table public.taggings has no column \"kind\"",
    );
}

#[test]
fn references_must_fit_the_schema() {
    refused(
        "[[reference]]\nfrom = \"public.comments.post_id\"\nto = \"public.posts.title\"\n",
        "keyshift.toml:3:6: reference public.comments.post_id → public.posts.title: public.posts.title is not the primary key of public.posts; a reference must name a single-column primary key",
    );
    refused(
        "[[reference]]\nfrom = \"public.posts.title\"\nto = \"public.users.id\"\n",
        "keyshift.toml:2:8: reference public.posts.title → public.users.id: public.posts.title is text, not an integer type",
    );
    refused(
        "[[reference]]\nfrom = \"public.comments.user_id\"\nto = \"public.users.id\"\n",
        "keyshift.toml:2:8: reference public.comments.user_id → public.users.id duplicates foreign key comments_user_id_fkey on public.comments; remove it from the file",
    );
    refused(
        "[[reference]]\nfrom = \"public.comments.user_id\"\nto = \"public.posts.id\"\n",
        "keyshift.toml:2:8: reference public.comments.user_id → public.posts.id: public.comments.user_id is already in foreign key comments_user_id_fkey on public.comments (→ public.users); a column holds one table's keys",
    );
    refused(
        "[[reference]]\nfrom = \"public.comments.post_id\"\nto = \"public.posts.id\"\n\n[[reference]]\nfrom = \"comments.post_id\"\nto = \"users.id\"\n",
        "keyshift.toml:6:8: public.comments.post_id is already declared at keyshift.toml:1:1",
    );
}

/// `on_orphan`: a word the file does not know, and "null" on a NOT NULL
/// column, are each one line at the value.
#[test]
fn on_orphan_must_fit_the_column() {
    refused(
        "[[reference]]\nfrom = \"public.posts.author_id\"\nto = \"public.users.id\"\non_orphan = \"null\"\n",
        "keyshift.toml:4:13: reference public.posts.author_id → public.users.id: on_orphan = \"null\" needs a nullable column, and public.posts.author_id is NOT NULL; use \"keep\" (a sentinel uuid) or \"fail\"",
    );
    refused(
        "[[reference]]\nfrom = \"public.comments.post_id\"\nto = \"public.posts.id\"\non_orphan = \"ignore\"\n",
        "keyshift.toml:4:13: reference public.comments.post_id → public.posts.id: on_orphan must be \"fail\", \"null\" or \"keep\", not \"ignore\"",
    );
}

#[test]
fn a_reference_from_an_excluded_table_to_a_converted_key_is_refused() {
    refused(
        "exclude_tables = [\"audit_log\"]\n[[reference]]\nfrom = \"audit_log.user_id\"\nto = \"users.id\"\n",
        "keyshift.toml:3:8: reference public.audit_log.user_id → public.users.id: public.audit_log is excluded, but public.users.id becomes uuid; exclude public.users too, or stop excluding public.audit_log",
    );
    refused(
        "exclude_tables = [\"taggings\"]\n[[polymorphic]]\ntable = \"taggings\"\ntype_column = \"taggable_type\"\nid_column = \"taggable_id\"\ntypes = { Post = \"posts\" }\n",
        "keyshift.toml:3:9: polymorphic public.taggings.taggable_id: public.taggings is excluded, but the tables its types name are not; stop excluding it, or remove the polymorphic entry",
    );
}

const TAGGINGS: &str = "[[polymorphic]]\ntable = \"public.taggings\"\n";

#[test]
fn polymorphic_references_must_fit_the_schema() {
    refused(
        &format!(
            "{TAGGINGS}type_column = \"taggable_type\"\nid_column = \"note\"\ntypes = {{ Post = \"public.posts\" }}\n"
        ),
        "keyshift.toml:4:13: polymorphic public.taggings.note: note is text, not an integer type",
    );
    refused(
        &format!(
            "{TAGGINGS}type_column = \"tag_id\"\nid_column = \"taggable_id\"\ntypes = {{ Post = \"public.posts\" }}\n"
        ),
        "keyshift.toml:3:15: polymorphic public.taggings.taggable_id: type column tag_id is integer, not a text type",
    );
    refused(
        &format!(
            "{TAGGINGS}type_column = \"taggable_type\"\nid_column = \"tag_id\"\ntypes = {{ Tag = \"public.tags\" }}\n"
        ),
        "keyshift.toml:4:13: polymorphic public.taggings.tag_id: tag_id is in foreign key taggings_tag_id_fkey, so it is not polymorphic",
    );
    refused(
        &format!(
            "{TAGGINGS}type_column = \"taggable_type\"\nid_column = \"taggable_id\"\ntypes = {{}}\n"
        ),
        "keyshift.toml:5:9: polymorphic public.taggings.taggable_id: types maps no type value to a table",
    );
    refused(
        &format!(
            "{TAGGINGS}type_column = \"taggable_type\"\nid_column = \"taggable_id\"\ntypes = {{ Post = \"public.post\" }}\n"
        ),
        "keyshift.toml:5:18: no table public.post in the schema",
    );
    refused(
        &format!(
            "exclude_tables = [\"public.posts\"]\n{TAGGINGS}type_column = \"taggable_type\"\nid_column = \"taggable_id\"\n[polymorphic.types]\nPost = \"public.posts\"\nUser = \"public.users\"\n"
        ),
        "keyshift.toml:7:8: polymorphic public.taggings.taggable_id: type \"Post\" names public.posts, whose key does not become a uuid (the table is excluded); every type must name a converted table",
    );
}

/// rails_app's config without its answers to the candidates: each
/// candidate is a blocker, generate writes nothing and names the column,
/// the three ways out and `keyshift init`.
#[test]
fn undeclared_candidates_block_until_answered() {
    let full = std::fs::read_to_string(repo().join("schema/rails_app/keyshift.toml"))
        .expect("rails_app config");
    let without = full
        .split("\n# Named like references to converted keys")
        .next()
        .expect("the part before the answers");
    let (out, written) = generate(without, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!written, "nothing is written while candidates are open");
    for needle in [
        "blocker: column public.page_views.post_id (integer) is named like a reference to public.posts.id",
        "[[reference]] from = \"public.page_views.post_id\", to = \"public.posts.id\"",
        "[[not_a_reference]] column = \"public.page_views.post_id\"",
        "--exclude-table public.posts",
        "blocker: column public.audit_log.user_id (bigint) is named like a reference to public.users.id",
        "public.audit_log is excluded, so the column stays an integer",
        "blocker: column public.notifications.subject_id with subject_type looks like a polymorphic reference",
        "`keyshift init` drafts these entries",
        "error: 3 blocker(s) above: nothing written",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }

    // Relaxed to warnings, the same file generates, and PLAN.md still
    // lists every candidate.
    let relaxed = format!("undeclared_references = \"warn\"\n{without}");
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::write(work.path().join("keyshift.toml"), &relaxed).expect("write config");
    let out = Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args([
            "plan",
            repo()
                .join("schema/rails_app/schema.sql")
                .to_str()
                .expect("utf-8"),
            "--config",
            "keyshift.toml",
        ])
        .current_dir(work.path())
        .output()
        .expect("run keyshift");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(
        plan.contains("sets `undeclared_references = \"warn\"`, so they do not block"),
        "{plan}"
    );
    assert!(
        plan.contains("`public.page_views`.`post_id` (integer) looks like it holds"),
        "{plan}"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("blocker:"));
}

/// A dismissal must name an integer column that is not already a key,
/// a foreign key or a declared reference; the policy takes two values.
#[test]
fn not_a_reference_must_fit_the_schema() {
    refused(
        "[[not_a_reference]]\ncolumn = \"public.page_views.nope\"\n",
        "keyshift.toml:2:10: table public.page_views has no column \"nope\"",
    );
    refused(
        "[[not_a_reference]]\ncolumn = \"public.users.email\"\n",
        "keyshift.toml:2:10: not_a_reference public.users.email: the column is text, and only integer columns are ever candidates",
    );
    refused(
        "[[not_a_reference]]\ncolumn = \"public.comments.user_id\"\n",
        "keyshift.toml:2:10: not_a_reference public.comments.user_id: the column is part of a key or a foreign key, so the schema already says what it holds",
    );
    refused(
        "[[reference]]\nfrom = \"public.page_views.post_id\"\nto = \"public.posts.id\"\n\n[[not_a_reference]]\ncolumn = \"public.page_views.post_id\"\n",
        "keyshift.toml:6:10: public.page_views.post_id is already declared at keyshift.toml:1:1; a column is either a reference or not",
    );
    refused(
        "undeclared_references = \"ignore\"\n",
        "keyshift.toml:1:25: undeclared_references must be \"block\" or \"warn\", not \"ignore\"",
    );
}

#[test]
fn surrogate_key_needs_a_composite_key() {
    refused(
        "[tables.\"public.taggings\"]\nsurrogate_key = true\n",
        "keyshift.toml:2:17: surrogate_key for public.taggings: only a composite primary key can get a surrogate; the primary key of public.taggings is (id)",
    );
    refused(
        "[tables.\"public.tagging\"]\nsurrogate_key = false\n",
        "keyshift.toml:1:9: no table public.tagging in the schema",
    );
}

#[test]
fn live_filters_in_the_file_need_a_live_source() {
    let (out, written) = generate("[read]\nschemas = [\"public\"]\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!written);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: keyshift.toml:1:1: [read] chooses what to read from a live database;"
        ),
        "{stderr}"
    );
}

#[test]
fn a_missing_config_file_is_named() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args(["plan", "schema/rails_app/schema.sql", "--config"])
        .arg(work.path().join("nope.toml"))
        .current_dir(repo())
        .output()
        .expect("run keyshift");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("nope.toml"),
        "{stderr}"
    );
}

/// The README's complete example parses: every key it documents exists.
#[test]
fn the_readme_example_parses() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let section = readme
        .split("## References the database does not declare")
        .nth(1)
        .expect("the keyshift.toml section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml example");
    for key in [
        "exclude_tables",
        "drop_id_map",
        "[[reference]]",
        "[[polymorphic]]",
        "[[not_a_reference]]",
        "undeclared_references",
        "[read]",
        "surrogate_key",
        "[views.",
    ] {
        assert!(example.contains(key), "the example shows {key}");
    }
    keyshift::config::Config::parse("README.md", example).unwrap_or_else(|e| panic!("{e}"));
}
