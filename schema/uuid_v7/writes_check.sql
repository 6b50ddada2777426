-- uuid_v7: after rollback, the rows written through uuid keys point at the
-- same rows through their integer ids.
DO $$
BEGIN
    IF (SELECT a.email || '/' || l.name FROM notes n JOIN accounts a ON a.id = n.account_id JOIN labels l ON l.id = n.label_id WHERE n.body = 'ks-note')
       IS DISTINCT FROM 'ks-new@example.com/ks-label' THEN
        RAISE EXCEPTION 'writes_check failed: ks-note lost its account or label';
    END IF;
END $$;
