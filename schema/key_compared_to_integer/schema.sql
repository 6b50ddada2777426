-- key_compared_to_integer: a row-level security policy, a trigger WHEN
-- condition, a rewrite rule, a rule on a view and an index on a
-- materialized view that each compare a converted key with an integer.
-- None of them can be recreated once the key is uuid, so preflight must
-- name all five (with the server's error) before forward would fail
-- recreating the first.

CREATE TABLE tenants (
    id    serial PRIMARY KEY,
    name  text NOT NULL
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = current_setting('app.tenant')::integer);

CREATE FUNCTION tenants_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;

CREATE TRIGGER tenants_not_system BEFORE UPDATE ON tenants
    FOR EACH ROW WHEN (old.id > 1000) EXECUTE FUNCTION tenants_touch();

CREATE RULE tenants_keep_first AS ON DELETE TO tenants
    WHERE old.id = 1 DO INSTEAD NOTHING;

-- Forward recreates a view with its rules, and a materialized view with
-- its indexes: a rule and an index expression comparing the key with an
-- integer must be named too.
CREATE VIEW tenant_names AS SELECT id, name FROM tenants;
CREATE RULE tenant_names_insert AS ON INSERT TO tenant_names
    WHERE new.id > 0 DO INSTEAD INSERT INTO tenants (id, name) VALUES (new.id, new.name);

CREATE MATERIALIZED VIEW tenant_buckets AS SELECT id, name FROM tenants;
CREATE INDEX tenant_buckets_bucket ON tenant_buckets ((id % 10));
