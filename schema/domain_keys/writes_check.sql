-- domain_keys: after rollback the columns have their domains back and the
-- new rows kept their links under fresh ids the domains accept.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT format_type(atttypid, atttypmod) = 'owner_ref' FROM pg_attribute WHERE attrelid = 'projects'::regclass AND attname = 'owner_id'),
    'projects.owner_id is owner_ref again');
SELECT pg_temp.ks_assert((SELECT id > 30 FROM accounts WHERE name = 'new'), 'the new account has a fresh id above 30');
SELECT pg_temp.ks_assert(
    (SELECT p.owner_id = a.id AND p.backup = 10 FROM projects p JOIN accounts a ON a.name = 'new' WHERE p.title = 'gamma'),
    'gamma still belongs to the new account, backed up by ten');
SELECT pg_temp.ks_assert(
    (SELECT r.name = 'south' FROM accounts a JOIN geo.regions r ON r.id = a.region_id WHERE a.name = 'new'),
    'the new account is still in the south');
