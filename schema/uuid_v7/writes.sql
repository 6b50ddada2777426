-- uuid_v7: writes after the forward migration, through the new defaults.
INSERT INTO accounts (email) VALUES ('ks-new@example.com');
INSERT INTO labels (name) VALUES ('ks-label');
INSERT INTO notes (account_id, label_id, body)
SELECT a.id, l.id, 'ks-note' FROM accounts a, labels l
WHERE a.email = 'ks-new@example.com' AND l.name = 'ks-label';
-- The new keys are version 7 and sort after every key that existed.
DO $$
BEGIN
    IF (SELECT id FROM accounts WHERE email = 'ks-new@example.com') <= ALL (SELECT id FROM accounts WHERE email <> 'ks-new@example.com')
       OR substr((SELECT id FROM labels WHERE name = 'ks-label')::text, 15, 1) <> '7' THEN
        RAISE EXCEPTION 'uuid_v7: a new key is not a later version 7 uuid';
    END IF;
END $$;
