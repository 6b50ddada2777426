-- key_compared_to_integer: a row-level security policy, a trigger WHEN
-- condition and a rewrite rule that each compare a converted key with an
-- integer. None of them can be recreated once the key is uuid, so
-- preflight must name all three (with the server's error) before forward
-- would fail recreating the first.

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
