-- hostile_text: after rollback the rows written through uuids still point
-- at the parent they were given.
DO $check$
DECLARE n integer;
BEGIN
    SELECT count(*) INTO n FROM public."a$keyshift$b
\i pw_i" c JOIN public."acct
\! touch pw_t ;*/$$'\\" p ON p."id
\o pw_o" = c."acct
\! touch pw_fk"
    WHERE p.note = 'ks-new' AND c.note IN ('ks-child', 'child of one');
    IF n <> 2 THEN
        RAISE EXCEPTION 'hostile_text: expected 2 rows linked to ks-new, found %', n;
    END IF;
END
$check$;
