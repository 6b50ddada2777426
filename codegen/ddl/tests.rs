//! End-to-end tests of the parser on small scripts, one behaviour each.

use super::{ParsedSchema, parse_schema};
use crate::catalog::{
    Catalog, Column, FkAction, IndexKey, IntKind, MatchType, QualifiedName, Table, TableKind,
    ViewKind,
};

fn parse(sql: &str) -> ParsedSchema {
    parse_schema("test.sql", sql).unwrap_or_else(|e| panic!("{e}"))
}

fn catalog(sql: &str) -> Catalog {
    parse(sql).catalog
}

fn error(sql: &str) -> String {
    match parse_schema("test.sql", sql) {
        Ok(p) => panic!("expected an error, got {:#?}", p.catalog),
        Err(e) => e.to_string(),
    }
}

fn q(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(schema, name)
}

fn table<'a>(c: &'a Catalog, name: &str) -> &'a Table {
    c.tables
        .iter()
        .find(|t| t.name.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no table {name} in {:?}",
                c.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
            )
        })
}

fn column<'a>(c: &'a Catalog, t: &str, col: &str) -> &'a Column {
    table(c, t)
        .column(col)
        .unwrap_or_else(|| panic!("no column {t}.{col}"))
}

#[test]
fn unquoted_names_fold_and_quoted_names_stay() {
    let c = catalog(r#"CREATE TABLE Users ("Id" INT PRIMARY KEY, Full_Name TEXT);"#);
    let t = table(&c, "users");
    assert_eq!(t.name, q("public", "users"));
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["Id", "full_name"]);
    assert_eq!(
        t.primary_key.as_ref().map(|k| k.name.as_str()),
        Some("users_pkey")
    );
    assert!(column(&c, "users", "Id").not_null);
}

#[test]
fn search_path_decides_where_tables_go_and_where_names_resolve() {
    let c = catalog(
        "CREATE SCHEMA app;
         SET search_path = app, public;
         CREATE TABLE parent (id int PRIMARY KEY);
         CREATE TABLE public.other (id int PRIMARY KEY);
         CREATE TABLE child (parent_id int REFERENCES parent, other_id int REFERENCES other);",
    );
    let child = table(&c, "child");
    assert_eq!(child.name, q("app", "child"));
    let targets: Vec<&QualifiedName> = child
        .foreign_keys
        .iter()
        .map(|f| &f.referenced_table)
        .collect();
    assert_eq!(targets, vec![&q("public", "other"), &q("app", "parent")]);
}

#[test]
fn pg_dump_empty_search_path_with_qualified_names() {
    let c = catalog(
        "SELECT pg_catalog.set_config('search_path', '', false);
         CREATE TABLE app.t (id integer NOT NULL);
         CREATE TABLE plain (id integer);",
    );
    assert_eq!(table(&c, "t").name, q("app", "t"));
    assert_eq!(table(&c, "plain").name, q("public", "plain"));
}

#[test]
fn serial_columns_get_an_owned_sequence() {
    let c = catalog("CREATE TABLE users (id serial PRIMARY KEY, n bigserial, s smallserial);");
    let id = column(&c, "users", "id");
    assert_eq!(id.data_type.int_kind, Some(IntKind::Integer));
    assert!(id.not_null);
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('public.users_id_seq'::regclass)")
    );
    assert_eq!(id.nextval_sequence(), Some(q("public", "users_id_seq")));
    let seq = c
        .sequence(&q("public", "users_id_seq"))
        .unwrap_or_else(|| panic!("no sequence"));
    assert_eq!(seq.data_type, IntKind::Integer);
    assert_eq!(
        (
            seq.start,
            seq.increment,
            seq.min_value,
            seq.max_value,
            seq.cache,
            seq.cycle
        ),
        (1, 1, None, None, 1, false)
    );
    assert_eq!(seq.owned_by, Some((q("public", "users"), "id".to_string())));
    assert_eq!(
        c.sequence(&q("public", "users_n_seq")).map(|s| s.data_type),
        Some(IntKind::Bigint)
    );
    assert_eq!(column(&c, "users", "s").data_type.name, "smallint");
}

#[test]
fn serial_sequence_names_avoid_taken_names() {
    let c = catalog("CREATE SEQUENCE users_id_seq; CREATE TABLE users (id serial);");
    assert_eq!(
        column(&c, "users", "id").nextval_sequence(),
        Some(q("public", "users_id_seq1"))
    );
}

#[test]
fn serial_and_its_pg_dump_form_give_the_same_catalog() {
    let hand = catalog("CREATE TABLE t (id serial PRIMARY KEY, name text);");
    let dump = catalog(
        "SET default_tablespace = '';
         SELECT pg_catalog.set_config('search_path', '', false);
         CREATE TABLE public.t (id integer NOT NULL, name text);
         CREATE SEQUENCE public.t_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
         ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
         ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);
         ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);",
    );
    assert_eq!(hand, dump);
}

#[test]
fn identity_and_its_pg_dump_form_give_the_same_catalog() {
    let hand = catalog(
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY);",
    );
    let dump = catalog(
        "CREATE TABLE public.t (id bigint NOT NULL);
         ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
             SEQUENCE NAME public.t_id_seq START WITH 10 INCREMENT BY 5 NO MINVALUE NO MAXVALUE CACHE 1);
         ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);",
    );
    assert_eq!(hand, dump);
    let id = column(&hand, "t", "id");
    let identity = id.identity.clone().unwrap_or_else(|| panic!("no identity"));
    assert!(identity.always && id.not_null);
    let seq = hand
        .sequence(&identity.sequence)
        .unwrap_or_else(|| panic!("no sequence"));
    assert_eq!(
        (seq.data_type, seq.start, seq.increment),
        (IntKind::Bigint, 10, 5)
    );
    assert_eq!(seq.owned_by, Some((q("public", "t"), "id".to_string())));
}

#[test]
fn identity_sequence_name_option_inline() {
    let c = catalog(
        "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME my_seq CACHE 5));",
    );
    let identity = column(&c, "t", "id")
        .identity
        .clone()
        .unwrap_or_else(|| panic!("no identity"));
    assert!(!identity.always);
    assert_eq!(identity.sequence, q("public", "my_seq"));
    assert_eq!(
        c.sequence(&identity.sequence)
            .map(|s| (s.data_type, s.cache)),
        Some((IntKind::Integer, 5))
    );
}

#[test]
fn default_constraint_names_follow_postgresql() {
    let c = catalog(
        "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
         CREATE TABLE t (
             a int CHECK (a > 0) CHECK (a < 10),
             b int,
             c int UNIQUE,
             CHECK (a < b),
             CHECK (b > 0),
             UNIQUE (a, b),
             FOREIGN KEY (a, b) REFERENCES p
         );
         CREATE INDEX ON t (b);
         CREATE INDEX ON t (lower(c::text), b);
         CREATE INDEX ON t ((a + b));",
    );
    let t = table(&c, "t");
    let checks: Vec<(&str, Vec<&str>)> = t
        .checks
        .iter()
        .map(|k| {
            (
                k.name.as_str(),
                k.columns.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        vec![
            ("t_a_check", vec!["a"]),
            ("t_a_check1", vec!["a"]),
            ("t_b_check", vec!["b"]),
            ("t_check", vec!["a", "b"])
        ]
    );
    let uniques: Vec<&str> = t
        .unique_constraints
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(uniques, vec!["t_a_b_key", "t_c_key"]);
    assert_eq!(t.foreign_keys[0].name, "t_a_b_fkey");
    assert_eq!(t.foreign_keys[0].referenced_columns, vec!["a", "b"]);
    let indexes: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(indexes, vec!["t_b_idx", "t_expr_idx", "t_lower_b_idx"]);
    let expr = t
        .indexes
        .iter()
        .find(|i| i.name == "t_lower_b_idx")
        .map(|i| (i.keys.clone(), i.expression_columns.clone()));
    assert_eq!(
        expr,
        Some((
            vec![
                IndexKey::Expression("lower(c::text)".into()),
                IndexKey::Column("b".into())
            ],
            vec!["c".to_string()]
        ))
    );
}

#[test]
fn long_generated_names_are_truncated_like_postgresql() {
    let table_name = "a".repeat(40);
    let col = "b".repeat(30);
    let c = catalog(&format!(
        "CREATE TABLE {table_name} ({col} int UNIQUE, id int PRIMARY KEY);"
    ));
    let t = table(&c, &table_name);
    assert_eq!(
        t.unique_constraints[0].name,
        format!("{}_{}_key", "a".repeat(29), "b".repeat(29))
    );
    assert_eq!(
        t.primary_key.as_ref().map(|k| k.name.clone()),
        Some(format!("{}_pkey", "a".repeat(40)))
    );
    // A 70-byte identifier is cut to 63 bytes, as PostgreSQL does.
    let c = catalog(&format!("CREATE TABLE {} (x int);", "z".repeat(70)));
    assert_eq!(c.tables[0].name.name.len(), 63);
}

#[test]
fn truncated_names_that_collide_get_numbered() {
    let base = "t".repeat(40);
    let (c1, c2) = (
        format!("{}1", "c".repeat(30)),
        format!("{}2", "c".repeat(30)),
    );
    let c = catalog(&format!(
        "CREATE TABLE {base} ({c1} int UNIQUE, {c2} int UNIQUE);"
    ));
    let name_of = |col: &str| {
        let t = table(&c, &base);
        t.unique_constraints
            .iter()
            .find(|k| k.columns == [col])
            .map(|k| k.name.clone())
    };
    // Both shorten to the same 63 bytes; the second gets `key1` and one
    // byte less of each part.
    assert_eq!(
        name_of(&c1),
        Some(format!("{}_{}_key", "t".repeat(29), "c".repeat(29)))
    );
    assert_eq!(
        name_of(&c2),
        Some(format!("{}_{}_key1", "t".repeat(29), "c".repeat(28)))
    );
}

#[test]
fn references_without_columns_use_the_primary_key_declared_later() {
    let c = catalog(
        "CREATE TABLE child (id int, parent_id int);
         CREATE TABLE parent (code text NOT NULL);
         ALTER TABLE ONLY child ADD CONSTRAINT child_parent_fkey FOREIGN KEY (parent_id) REFERENCES parent;
         ALTER TABLE ONLY parent ADD CONSTRAINT parent_pkey PRIMARY KEY (code);",
    );
    let fk = &table(&c, "child").foreign_keys[0];
    assert_eq!(
        (fk.referenced_table.clone(), fk.referenced_columns.clone()),
        (q("public", "parent"), vec!["code".to_string()])
    );
}

#[test]
fn foreign_key_options_and_not_valid() {
    let c = catalog(
        "CREATE TABLE p (a int, b int, UNIQUE (a, b));
         CREATE TABLE c (a int, b int);
         ALTER TABLE ONLY c ADD CONSTRAINT c_fk FOREIGN KEY (a, b) REFERENCES p(a, b) MATCH FULL
             ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID;
         ALTER TABLE c ADD CONSTRAINT c_fk2 FOREIGN KEY (a, b) REFERENCES p(a, b) ON DELETE RESTRICT NOT VALID;
         ALTER TABLE c VALIDATE CONSTRAINT c_fk2;",
    );
    let fks = &table(&c, "c").foreign_keys;
    let fk = &fks[0];
    assert_eq!(
        (fk.on_update, fk.on_delete, fk.match_type),
        (FkAction::Cascade, FkAction::SetNull, MatchType::Full)
    );
    assert!(fk.deferrable && fk.initially_deferred && !fk.validated);
    assert!(fks[1].validated);
    assert_eq!(fks[1].on_delete, FkAction::Restrict);
}

#[test]
fn errors_name_file_line_and_column() {
    let e = error("CREATE TABLE a (id int);\n\n  CREATE TABLE b (id int REFERENCES missing);");
    assert!(e.starts_with("test.sql:3:3: "), "{e}");
    assert!(e.contains("unknown table `missing`"), "{e}");
    let e = error("CREATE TABLE a (id int);\nCREATE TABLE a (id int);");
    assert!(
        e.starts_with("test.sql:2:1: ") && e.contains("already exists"),
        "{e}"
    );
    let e = error("CREATE TABLE a (id int, PRIMARY KEY (nope));");
    assert!(e.contains("column `nope`"), "{e}");
    let e = error("SELECT 1;\nCREATE TABLE a (id int,, x int);");
    assert!(
        e.starts_with("test.sql:2:1: cannot parse CREATE TABLE statement: "),
        "{e}"
    );
    let e = error("ALTER TABLE nope ADD COLUMN x int;");
    assert!(e.contains("unknown table `nope`"), "{e}");
    let e = error("CREATE TABLE t AS SELECT 1 AS x;");
    assert!(e.contains("CREATE TABLE … AS"), "{e}");
}

#[test]
fn pg_dump_forms_sqlparser_cannot_read() {
    let p = parse(
        "\\restrict abc123
         SET statement_timeout = 0;
         SELECT pg_catalog.set_config('search_path', '', false);
         CREATE DOMAIN public.flag AS boolean NOT NULL;
         CREATE DOMAIN public.year AS integer CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)));
         CREATE TABLE public.p (id integer NOT NULL, at date NOT NULL, y public.year, f public.flag) PARTITION BY RANGE (at);
         CREATE TABLE public.p1 (id integer NOT NULL, at date NOT NULL, y public.year, f public.flag);
         CREATE UNLOGGED SEQUENCE public.s AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1 CYCLE;
         ALTER TABLE ONLY public.p ATTACH PARTITION public.p1 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
         ALTER TABLE ONLY public.p ADD CONSTRAINT p_pkey PRIMARY KEY (id, at);
         ALTER TABLE ONLY public.p1 ADD CONSTRAINT p1_pkey PRIMARY KEY (id, at);
         ALTER INDEX public.p_pkey ATTACH PARTITION public.p1_pkey;
         CREATE MATERIALIZED VIEW public.mv AS SELECT p.id FROM public.p WITH NO DATA;
         CREATE TRIGGER t BEFORE INSERT OR UPDATE ON public.p1 FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger('a', 'pg_catalog.english', 'b');
         ALTER TABLE public.p OWNER TO postgres;
         COPY public.p1 (id, at, y, f) FROM stdin;
1\t2020-01-02\t1999\tt
\\.
         \\unrestrict abc123",
    );
    let c = &p.catalog;
    assert_eq!(table(c, "p").kind, TableKind::Partitioned);
    assert_eq!(table(c, "p1").partition_of, Some(q("public", "p")));
    // A domain over integer keeps its name and is known to be an integer,
    // so a key typed with it converts.
    assert_eq!(
        column(c, "p1", "y").data_type.int_kind,
        Some(IntKind::Integer)
    );
    assert_eq!(column(c, "p1", "y").data_type.name, "public.year");
    assert_eq!(column(c, "p1", "f").data_type.int_kind, None);
    let s = c
        .sequence(&q("public", "s"))
        .unwrap_or_else(|| panic!("no sequence"));
    assert!(s.cycle && s.data_type == IntKind::Integer);
    assert_eq!(c.views[0].kind, ViewKind::Materialized);
    assert_eq!(c.views[0].depends_on, vec![q("public", "p")]);
    assert_eq!(
        c.triggers[0].function,
        q("pg_catalog", "tsvector_update_trigger")
    );
    for (kind, n) in [
        ("psql meta-command", 2),
        ("CREATE DOMAIN", 2),
        ("ALTER INDEX ATTACH PARTITION", 1),
        ("ALTER TABLE OWNER TO", 1),
        ("COPY", 1),
        ("COPY data", 1),
        ("SET", 1),
        ("SELECT", 1),
    ] {
        assert_eq!(p.skipped.get(kind), Some(&n), "{kind}: {:?}", p.skipped);
    }
}

#[test]
fn partitions_and_inheritance_copy_columns() {
    let c = catalog(
        "CREATE TABLE p (id bigint NOT NULL DEFAULT 0, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE INDEX ON p (at);
         CREATE TABLE p2020 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
         CREATE TABLE base (id int NOT NULL, note text);
         CREATE TABLE child (extra int, note text DEFAULT 'x') INHERITS (base);",
    );
    let part = table(&c, "p2020");
    assert_eq!(part.columns, table(&c, "p").columns);
    assert_eq!(
        part.primary_key.as_ref().map(|k| k.name.as_str()),
        Some("p2020_pkey")
    );
    assert_eq!(
        part.indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        vec!["p2020_at_idx"]
    );
    let child = table(&c, "child");
    let names: Vec<&str> = child.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["id", "note", "extra"]);
    assert_eq!(
        column(&c, "child", "note").default.as_deref(),
        Some("'x'::text")
    );
    assert!(column(&c, "child", "id").not_null);
    assert_eq!(child.inherits, vec![q("public", "base")]);
}

#[test]
fn create_index_variants() {
    let c = catalog(
        "CREATE TABLE t (a int, b text, c int, d timestamp);
         CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i1 ON ONLY t USING gin (lower(b) gin_trgm_ops, a DESC NULLS LAST) INCLUDE (c) WHERE d IS NULL;
         CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i1 ON t (a);
         CREATE INDEX i2 ON public.t USING btree ((a)) WHERE (c > 0);",
    );
    let t = table(&c, "t");
    let i1 = &t.indexes[0];
    assert!(i1.unique);
    assert_eq!(i1.method, "gin");
    assert_eq!(
        i1.keys,
        vec![
            IndexKey::Expression("lower(b)".into()),
            IndexKey::Column("a".into())
        ]
    );
    assert_eq!(i1.include, vec!["c"]);
    assert_eq!(i1.predicate.as_deref(), Some("d IS NULL"));
    assert_eq!(i1.expression_columns, vec!["b", "d"]);
    let i2 = &t.indexes[1];
    assert_eq!(
        (i2.keys.clone(), i2.predicate.clone()),
        (
            vec![IndexKey::Column("a".into())],
            Some("(c > 0)".to_string())
        )
    );
}

#[test]
fn views_depend_on_everything_they_read() {
    let c = catalog(
        "CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE TABLE c (id int); CREATE TABLE d (id int);
         CREATE TABLE e (id int);
         CREATE VIEW v AS
           WITH x AS (SELECT id FROM a)
           SELECT x.id, (SELECT max(id) FROM e) AS m
           FROM x JOIN b USING (id)
           WHERE EXISTS (SELECT 1 FROM c WHERE c.id = x.id) AND x.id IN (SELECT id FROM generate_series(1, 3) g(id))
           ORDER BY (SELECT count(*) FROM d);
         CREATE VIEW w AS SELECT * FROM v, pg_catalog.pg_class;
         CREATE RECURSIVE VIEW r (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 3;",
    );
    let v = c
        .views
        .iter()
        .find(|v| v.name.name == "v")
        .map(|v| v.depends_on.clone());
    assert_eq!(
        v,
        Some(vec![
            q("public", "a"),
            q("public", "b"),
            q("public", "c"),
            q("public", "d"),
            q("public", "e")
        ])
    );
    let w = c
        .views
        .iter()
        .find(|v| v.name.name == "w")
        .map(|v| v.depends_on.clone());
    assert_eq!(w, Some(vec![q("public", "v")]));
    assert!(
        c.views
            .iter()
            .any(|v| v.name.name == "r" && v.depends_on.is_empty())
    );
    let e = error("CREATE VIEW v AS SELECT * FROM nowhere;");
    assert!(e.contains("nowhere"), "{e}");
}

#[test]
fn triggers_policies_and_rules() {
    let c = catalog(
        "CREATE TABLE t (id int);
         CREATE FUNCTION app_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
         CREATE TRIGGER touch BEFORE UPDATE OF id ON t FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE PROCEDURE app_touch();
         CREATE POLICY own ON t FOR ALL TO PUBLIC USING (id = 1);
         CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING;",
    );
    assert_eq!(c.triggers[0].table, q("public", "t"));
    assert_eq!(c.triggers[0].function, q("public", "app_touch"));
    assert_eq!(c.policies[0].name, "own");
    assert_eq!(c.policies[0].using.as_deref(), Some("id = 1"));
    assert_eq!(c.policies[0].with_check, None);
    assert_eq!(c.rules[0].name, "r");
}

#[test]
fn trigger_and_rule_conditions_keep_their_text() {
    let c = catalog(
        "CREATE TABLE t (id int);
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
         CREATE TRIGGER \"WHEN\" BEFORE UPDATE ON t FOR EACH ROW WHEN (old.id > 1000 AND new.id <> 0) EXECUTE FUNCTION f();
         CREATE TRIGGER plain BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
         CREATE RULE keep AS ON DELETE TO t WHERE old.id = 1 DO INSTEAD NOTHING;
         CREATE RULE \"WHERE\" AS ON INSERT TO t DO ALSO NOTHING;",
    );
    let when = |n: &str| {
        c.triggers
            .iter()
            .find(|t| t.name == n)
            .unwrap()
            .when
            .clone()
    };
    assert_eq!(
        when("WHEN").as_deref(),
        Some("old.id > 1000 AND new.id <> 0")
    );
    assert_eq!(when("plain"), None);
    let condition = |n: &str| {
        c.rules
            .iter()
            .find(|r| r.name == n)
            .unwrap()
            .condition
            .clone()
    };
    assert_eq!(condition("keep").as_deref(), Some("old.id = 1"));
    assert_eq!(condition("WHERE"), None);
    // The server's printing, which live introspection reads.
    assert_eq!(
        crate::ddl::trigger_when(
            "CREATE TRIGGER x BEFORE UPDATE ON public.t FOR EACH ROW WHEN ((old.id > 1000)) EXECUTE FUNCTION f()"
        )
        .as_deref(),
        Some("(old.id > 1000)")
    );
    assert_eq!(
        crate::ddl::rule_condition(
            "CREATE RULE keep AS\n    ON DELETE TO public.t\n   WHERE old.id = 1 DO INSTEAD NOTHING;"
        )
        .as_deref(),
        Some("old.id = 1")
    );
}

#[test]
fn alter_policy_renames_and_replaces_expressions() {
    let c = catalog(
        "CREATE TABLE t (id int);
         CREATE POLICY p ON t USING (id = 1) WITH CHECK (id > 2);
         ALTER POLICY p ON t TO PUBLIC USING (id = 3);
         ALTER POLICY p ON t RENAME TO q;",
    );
    assert_eq!(c.policies.len(), 1);
    let p = &c.policies[0];
    assert_eq!(p.name, "q");
    assert_eq!(p.using.as_deref(), Some("id = 3"));
    assert_eq!(p.with_check.as_deref(), Some("id > 2"));
    let e = error("CREATE TABLE t (id int); ALTER POLICY nope ON t USING (true);");
    assert!(e.contains("nope"), "{e}");
}

#[test]
fn policy_expressions_keep_their_text() {
    let c = catalog(
        "CREATE TABLE t (id int, \"Using\" text);
         CREATE POLICY \"WITH CHECK\" ON t AS RESTRICTIVE FOR UPDATE TO PUBLIC
             USING (\"Using\" = 'USING (x)' AND (id > 0))
             WITH CHECK ((id = current_setting('app.tenant')::integer));",
    );
    let p = &c.policies[0];
    assert_eq!(p.name, "WITH CHECK");
    assert_eq!(
        p.using.as_deref(),
        Some("\"Using\" = 'USING (x)' AND (id > 0)")
    );
    assert_eq!(
        p.with_check.as_deref(),
        Some("(id = current_setting('app.tenant')::integer)")
    );
}

#[test]
fn defaults_checks_and_generated_columns_keep_their_text() {
    let c = catalog(
        "CREATE TABLE t (
            a jsonb DEFAULT '{}'::jsonb NOT NULL,
            b timestamp with time zone DEFAULT now(),
            c integer GENERATED ALWAYS AS ((a ->> 'x')::integer) STORED,
            d integer CONSTRAINT d_positive CHECK ((d > 0))
         );
         ALTER TABLE ONLY t ALTER COLUMN b SET DEFAULT CURRENT_TIMESTAMP;",
    );
    assert_eq!(column(&c, "t", "a").default.as_deref(), Some("'{}'::jsonb"));
    assert_eq!(
        column(&c, "t", "b").default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    assert_eq!(
        column(&c, "t", "c").generated.as_deref(),
        Some("(a ->> 'x')::integer")
    );
    let check = &table(&c, "t").checks[0];
    assert_eq!(
        (check.name.as_str(), check.expression.as_str()),
        ("d_positive", "(d > 0)")
    );
}

#[test]
fn nextval_defaults_are_schema_qualified() {
    let c = catalog(
        "CREATE SCHEMA app; SET search_path TO app;
         CREATE SEQUENCE \"Odd\"; CREATE TABLE t (id int DEFAULT nextval('\"Odd\"') NOT NULL);",
    );
    let id = column(&c, "t", "id");
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('app.\"Odd\"'::regclass)")
    );
    assert_eq!(id.nextval_sequence(), Some(q("app", "Odd")));
}

#[test]
fn calls_of_the_scripts_own_functions_are_schema_qualified() {
    let c = catalog(
        "CREATE SCHEMA ticketing;
         CREATE FUNCTION ticketing.next_ticket() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
         CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT pg_catalog.now() $$;
         SET search_path = public, ticketing;
         CREATE TABLE t (a int DEFAULT next_ticket(), b int DEFAULT Ticketing.Next_Ticket(),
                         c timestamptz DEFAULT now(), d int DEFAULT unknown_fn(), e int DEFAULT next_ticket() + 1);",
    );
    let default = |name| column(&c, "t", name).default.clone();
    assert_eq!(default("a").as_deref(), Some("ticketing.next_ticket()"));
    assert_eq!(default("b").as_deref(), Some("ticketing.next_ticket()"));
    // pg_catalog is searched first: a built-in wins over a function of the script.
    assert_eq!(default("c").as_deref(), Some("now()"));
    // What the script does not create, and any larger expression, keeps its text.
    assert_eq!(default("d").as_deref(), Some("unknown_fn()"));
    assert_eq!(default("e").as_deref(), Some("next_ticket() + 1"));
}

#[test]
fn redundant_unique_on_primary_key_is_dropped() {
    let c = catalog("CREATE TABLE t (id int PRIMARY KEY UNIQUE);");
    let t = table(&c, "t");
    assert!(t.unique_constraints.is_empty());
    assert_eq!(
        t.primary_key.as_ref().map(|k| k.name.as_str()),
        Some("t_pkey")
    );
}

#[test]
fn drops_and_renames_keep_the_catalog_consistent() {
    let c = catalog(
        "DROP TABLE IF EXISTS parent CASCADE;
         CREATE TABLE parent (id serial PRIMARY KEY);
         CREATE TABLE child (id int, parent_id int REFERENCES parent);
         CREATE TABLE gone (id int);
         DROP TABLE gone;
         ALTER TABLE parent RENAME TO mother;
         ALTER TABLE mother RENAME COLUMN id TO mother_id;
         ALTER TABLE child RENAME CONSTRAINT child_parent_id_fkey TO child_mother_fkey;
         ALTER SEQUENCE parent_id_seq RENAME TO mother_seq;
         ALTER INDEX parent_pkey RENAME TO mother_pkey;",
    );
    assert!(c.tables.iter().all(|t| t.name.name != "gone"));
    let fk = &table(&c, "child").foreign_keys[0];
    assert_eq!(
        (
            fk.name.as_str(),
            &fk.referenced_table,
            fk.referenced_columns.clone()
        ),
        (
            "child_mother_fkey",
            &q("public", "mother"),
            vec!["mother_id".to_string()]
        )
    );
    let id = column(&c, "mother", "mother_id");
    assert_eq!(id.nextval_sequence(), Some(q("public", "mother_seq")));
    assert_eq!(
        table(&c, "mother")
            .primary_key
            .as_ref()
            .map(|k| k.name.as_str()),
        Some("mother_pkey")
    );
    let seq = c
        .sequence(&q("public", "mother_seq"))
        .and_then(|s| s.owned_by.clone());
    assert_eq!(seq, Some((q("public", "mother"), "mother_id".to_string())));
    let c = catalog(
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p);
         CREATE VIEW v AS SELECT * FROM p; DROP TABLE p CASCADE;",
    );
    assert!(c.views.is_empty() && table(&c, "c").foreign_keys.is_empty());
}

#[test]
fn alter_table_column_changes() {
    let c = catalog(
        "CREATE TABLE t (id int, name text);
         ALTER TABLE t ADD COLUMN IF NOT EXISTS code varchar(3) NOT NULL DEFAULT 'x', ALTER COLUMN id SET NOT NULL;
         ALTER TABLE t ALTER COLUMN id TYPE bigint, ADD PRIMARY KEY (id);
         ALTER TABLE t ADD COLUMN extra serial;
         ALTER TABLE t DROP COLUMN name;
         ALTER TABLE ONLY t ALTER COLUMN code SET STATISTICS 100;
         ALTER TABLE t CLUSTER ON t_pkey, REPLICA IDENTITY FULL;",
    );
    let t = table(&c, "t");
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["id", "code", "extra"]);
    assert_eq!(
        column(&c, "t", "id").data_type.int_kind,
        Some(IntKind::Bigint)
    );
    assert!(column(&c, "t", "id").not_null);
    assert_eq!(
        column(&c, "t", "code").data_type.name,
        "character varying(3)"
    );
    assert_eq!(
        column(&c, "t", "extra").nextval_sequence(),
        Some(q("public", "t_extra_seq"))
    );
    assert_eq!(
        t.primary_key.as_ref().map(|k| k.name.as_str()),
        Some("t_pkey")
    );
}

#[test]
fn statements_outside_the_catalog_are_counted() {
    let p = parse(
        "GRANT ALL ON SCHEMA public TO x; REVOKE ALL ON t FROM y; COMMENT ON TABLE t IS 'a;b';
         CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE TYPE mood AS ENUM ('a');
         CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
         INSERT INTO t VALUES (1); BEGIN; COMMIT; \\connect db",
    );
    for kind in [
        "GRANT",
        "REVOKE",
        "COMMENT",
        "CREATE EXTENSION",
        "CREATE TYPE",
        "CREATE FUNCTION",
        "INSERT",
        "BEGIN",
        "COMMIT",
        "psql meta-command",
    ] {
        assert_eq!(p.skipped.get(kind), Some(&1), "{kind}: {:?}", p.skipped);
    }
}

#[test]
fn user_types_are_schema_qualified_and_arrays_are_not_int_keys() {
    let c = catalog(
        "CREATE SCHEMA app; SET search_path = app, public;
         CREATE TYPE mood AS ENUM ('a');
         CREATE TABLE t (m mood, ms mood[], ids int[], n numeric(10, 2));",
    );
    assert_eq!(column(&c, "t", "m").data_type.name, "app.mood");
    assert_eq!(column(&c, "t", "ms").data_type.name, "app.mood[]");
    assert_eq!(column(&c, "t", "ids").data_type.int_kind, None);
    assert_eq!(column(&c, "t", "n").data_type.name, "numeric(10,2)");
}

/// A pg_dump (16/17 style) of a small schema, and the hand-written script
/// that created it, must give the same catalog.
#[test]
fn pg_dump_and_hand_written_script_agree() {
    let dump = parse(
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict xyz\n
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET row_security = off;
CREATE SCHEMA app;
ALTER SCHEMA app OWNER TO postgres;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';
CREATE TYPE app.status AS ENUM (
    'a',
    'b'
);
CREATE FUNCTION app.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END; $$;
SET default_tablespace = '';
SET default_table_access_method = heap;
CREATE TABLE app.users (
    id bigint NOT NULL,
    email character varying(255) NOT NULL,
    status app.status DEFAULT 'a'::app.status NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    \"Weird Name\" text
);
ALTER TABLE app.users OWNER TO postgres;
CREATE SEQUENCE app.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE app.users_id_seq OWNER TO postgres;
ALTER SEQUENCE app.users_id_seq OWNED BY app.users.id;
CREATE TABLE app.orders (
    id integer NOT NULL,
    user_id bigint,
    total numeric(10,2)
);
ALTER TABLE app.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE VIEW app.user_orders AS
 SELECT u.id,
    o.total
   FROM (app.users u
     JOIN app.orders o ON ((o.user_id = u.id)));
ALTER TABLE ONLY app.users ALTER COLUMN id SET DEFAULT nextval('app.users_id_seq'::regclass);
COPY app.users (id, email, status, created_at, \"Weird Name\") FROM stdin;
1\ta@b.c\ta\t2024-01-01 00:00:00+00\t\\N
\\.
SELECT pg_catalog.setval('app.users_id_seq', 1, true);
ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE ONLY app.users
    ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE ONLY app.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
CREATE INDEX orders_user_id_idx ON app.orders USING btree (user_id);
CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();
ALTER TABLE ONLY app.orders
    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.users(id) ON DELETE CASCADE;
ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_self ON app.users USING ((id = 1));
GRANT ALL ON SCHEMA app TO PUBLIC;
\\unrestrict xyz
",
    );
    let hand = catalog(
        "CREATE SCHEMA app;
         SET search_path = app;
         CREATE TYPE status AS ENUM ('a', 'b');
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END; $$;
         CREATE TABLE users (
             id bigserial PRIMARY KEY,
             email varchar(255) NOT NULL UNIQUE,
             status status NOT NULL DEFAULT 'a'::app.status,
             created_at timestamptz NOT NULL DEFAULT now(),
             \"Weird Name\" text
         );
         CREATE TABLE orders (
             id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             user_id bigint REFERENCES users ON DELETE CASCADE,
             total numeric(10, 2)
         );
         CREATE INDEX ON orders (user_id);
         CREATE VIEW user_orders AS SELECT u.id, o.total FROM users u JOIN orders o ON o.user_id = u.id;
         CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
         ALTER TABLE users ENABLE ROW LEVEL SECURITY;
         -- Expressions are kept as written: pg_dump's parentheses too.
         CREATE POLICY users_self ON users USING ((id = 1));",
    );
    assert_eq!(dump.catalog, hand);
    assert_eq!(dump.skipped.get("psql meta-command"), Some(&2));
    assert_eq!(dump.skipped.get("COPY data"), Some(&1));
}

#[test]
fn split_statements_lists_statements_and_meta_commands() {
    let sql = "\\c db\nCOPY t FROM stdin;\n1\n\\.\nSELECT ';';";
    assert_eq!(
        super::split_statements(sql),
        vec!["\\c db", "COPY t FROM stdin", "SELECT ';'"]
    );
}

#[test]
fn set_null_column_lists_are_refused_not_dropped() {
    let e = error(
        "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
         CREATE TABLE c (a int NOT NULL, b int,
             FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL (b));",
    );
    assert!(
        e.starts_with("test.sql:2:10: `ON DELETE SET NULL (b)`"),
        "{e}"
    );
}

#[test]
fn inline_references_with_all_options() {
    let c = catalog(
        "CREATE TABLE p (id int PRIMARY KEY);
         CREATE TABLE c (p_id int REFERENCES p (id) MATCH FULL ON UPDATE CASCADE ON DELETE SET DEFAULT DEFERRABLE INITIALLY DEFERRED);",
    );
    let fk = &table(&c, "c").foreign_keys[0];
    assert_eq!(fk.name, "c_p_id_fkey");
    assert_eq!(
        (fk.on_update, fk.on_delete, fk.match_type),
        (FkAction::Cascade, FkAction::SetDefault, MatchType::Full)
    );
    assert!(fk.deferrable && fk.initially_deferred && fk.validated);
}

#[test]
fn identity_and_generated_changes() {
    let c = catalog(
        "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY, a int, b int GENERATED ALWAYS AS (a * 2) STORED);
         ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS SET INCREMENT BY 10 RESTART WITH 5;
         ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a * 3);",
    );
    let id = column(&c, "t", "id")
        .identity
        .clone()
        .unwrap_or_else(|| panic!("no identity"));
    assert!(id.always);
    assert_eq!(c.sequence(&id.sequence).map(|s| s.increment), Some(10));
    assert_eq!(column(&c, "t", "b").generated.as_deref(), Some("a * 3"));
    let c = catalog(
        "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY); ALTER TABLE t ALTER id DROP IDENTITY;",
    );
    assert!(c.sequences.is_empty() && column(&c, "t", "id").identity.is_none());
}

#[test]
fn pg_dump_storage_clauses_and_partition_bounds() {
    let p = parse(
        "CREATE TABLE public.m (id int NOT NULL, at date) PARTITION BY LIST (id);
         CREATE TABLE public.m1 PARTITION OF public.m FOR VALUES IN (1, 2);
         CREATE TABLE public.d (id int NOT NULL, at date);
         ALTER TABLE ONLY public.m ATTACH PARTITION public.d DEFAULT;
         ALTER TABLE ONLY public.m ADD CONSTRAINT m_pkey PRIMARY KEY (id) WITH (fillfactor='80');
         ALTER TABLE ONLY public.d ADD CONSTRAINT d_pkey PRIMARY KEY (id) USING INDEX TABLESPACE pg_default;
         CREATE TABLE public.x (id int, CONSTRAINT x_id_key UNIQUE (id) INCLUDE (id) WITH (fillfactor = 90));
         ALTER TABLE ONLY public.m DETACH PARTITION public.m1;
         CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.m WITH DATA;
         CREATE UNIQUE INDEX mv_id ON public.mv USING btree (id);
         ALTER TABLE public.mv RENAME TO mv2;
         CREATE TABLE public.ex (r int4range, EXCLUDE USING gist (r WITH &&));",
    );
    let c = &p.catalog;
    assert_eq!(table(c, "d").partition_of, Some(q("public", "m")));
    assert_eq!(
        table(c, "d").primary_key.as_ref().map(|k| k.name.as_str()),
        Some("d_pkey")
    );
    assert_eq!(table(c, "m1").partition_of, None);
    assert_eq!(table(c, "x").unique_constraints[0].name, "x_id_key");
    assert_eq!(c.views[0].name, q("public", "mv2"));
    assert_eq!(
        p.skipped.get("CREATE INDEX on a materialized view"),
        Some(&1)
    );
    assert_eq!(p.skipped.get("EXCLUDE constraint"), Some(&1));
}

/// A statement with thousands of clauses parses whole. (No time limit
/// here: timed tests fail on a loaded machine; `cargo bench --bench
/// codegen` measures speed.)
#[test]
fn huge_statements_parse() {
    let columns: Vec<String> = (0..3000)
        .map(|i| format!("c{i} int CHECK (c{i} > 0) REFERENCES p (id)"))
        .collect();
    let sql = format!(
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE t ({}, PRIMARY KEY (c0) WITH (fillfactor = 70));",
        columns.join(",\n")
    );
    let c = catalog(&sql);
    assert_eq!(table(&c, "t").foreign_keys.len(), 3000);
}

/// Truncated and mangled input is reported, never a panic.
#[test]
fn never_panics_on_broken_input() {
    let script = "CREATE TABLE \"Ünï\" (id serial PRIMARY KEY, e text DEFAULT E'x\\'y' CHECK (e <> ''), \
        p int REFERENCES \"Ünï\" ON DELETE SET NULL, g int GENERATED ALWAYS AS (id * 2) STORED);
        CREATE INDEX ON \"Ünï\" ((lower(e)), p) WHERE p IS NOT NULL;
        ALTER TABLE ONLY \"Ünï\" ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s START 1);
        CREATE VIEW v AS WITH x AS (SELECT id FROM \"Ünï\") SELECT * FROM x WHERE EXISTS (SELECT 1);
        COPY \"Ünï\" FROM stdin;\n1\tä\n\\.\n$$ $tag$ /* -- ;";
    let mut cut = 0;
    while cut <= script.len() {
        if script.is_char_boundary(cut) {
            let _ = parse_schema("broken.sql", &script[..cut]);
            let _ = parse_schema("broken.sql", &script[cut..]);
        }
        cut += 3;
    }
}

#[test]
fn code_that_hides_ddl_is_refused() {
    let e = error("DO $$ BEGIN EXECUTE 'CREATE TABLE t (a int)'; END $$;");
    assert!(e.contains("DO block"), "{e}");
    let e = error("CREATE SCHEMA app CREATE TABLE t (a int);");
    assert!(e.contains("schema elements"), "{e}");
    let p = parse(
        "DO $$ BEGIN RAISE NOTICE 'hi'; END $$; CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION me;",
    );
    assert_eq!(
        (p.skipped.get("DO"), p.skipped.get("CREATE SCHEMA")),
        (Some(&1), Some(&1))
    );
}

#[test]
fn partition_keys_record_strategy_and_the_columns_they_read() {
    use crate::catalog::{PartitionKey, PartitionStrategy};
    let c = catalog(
        "CREATE TABLE r (id int, at date, region text) PARTITION BY RANGE (at, id);
         CREATE TABLE l (a int, b int) PARTITION BY LIST ((b % 2));
         CREATE TABLE h (x int, \"Y\" int) PARTITION BY HASH (\"Y\");
         CREATE TABLE r1 PARTITION OF r FOR VALUES FROM ('2020-01-01', 0) TO ('2021-01-01', 0)
             PARTITION BY LIST (region);
         CREATE TABLE plain (id int);",
    );
    let key = |t: &str| table(&c, t).partition_key.clone();
    let make = |strategy, columns: &[&str]| {
        Some(PartitionKey {
            strategy,
            columns: columns.iter().map(|c| c.to_string()).collect(),
        })
    };
    assert_eq!(
        key("r"),
        make(PartitionStrategy::Range, &["id", "at"]),
        "physical order"
    );
    assert_eq!(key("l"), make(PartitionStrategy::List, &["b"]));
    assert_eq!(key("h"), make(PartitionStrategy::Hash, &["Y"]));
    assert_eq!(key("r1"), make(PartitionStrategy::List, &["region"]));
    assert_eq!(key("plain"), None);
}
