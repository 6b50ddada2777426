-- fixed_ids: writes after forward, through the uuid keys. The translated
-- constraints and indexes still hold: another system user is refused, a
-- bug without a priority is refused, a second top category of one name is
-- refused.
INSERT INTO users (name) VALUES ('ks-cat');
INSERT INTO tickets (kind_id, reporter_id, assignee_id, priority, title)
SELECT k.id, u.id, a.id, 3, 'ks-bug'
FROM ticket_kinds k, users u, users a WHERE k.name = 'bug' AND u.name = 'ks-cat' AND a.name = 'ann';
INSERT INTO categories (parent_id, name) SELECT id, 'ks-novels' FROM categories WHERE name = 'books';

DO $$
BEGIN
    INSERT INTO users (name, is_system) VALUES ('ks-second-system', true);
    RAISE EXCEPTION 'ks: users_only_one_system no longer holds';
EXCEPTION WHEN check_violation THEN
    NULL;
END $$;

DO $$
BEGIN
    INSERT INTO tickets (kind_id, reporter_id, title)
    SELECT k.id, u.id, 'ks-bug-without-priority' FROM ticket_kinds k, users u WHERE k.name = 'bug' AND u.name = 'ben';
    RAISE EXCEPTION 'ks: tickets_bugs_have_priority no longer holds';
EXCEPTION WHEN check_violation THEN
    NULL;
END $$;

DO $$
BEGIN
    INSERT INTO categories (name) VALUES ('books');
    RAISE EXCEPTION 'ks: categories_top_names no longer unique';
EXCEPTION WHEN unique_violation THEN
    NULL;
END $$;

DO $$
BEGIN
    INSERT INTO categories (parent_id, name) SELECT id, 'poetry' FROM categories WHERE name = 'books';
    RAISE EXCEPTION 'ks: categories_unique_name no longer unique';
EXCEPTION WHEN unique_violation THEN
    NULL;
END $$;
