-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM replies r JOIN tickets t ON t.id = r.ticket_id
     WHERE r.body = 'ks-first reply' AND t.title = 'ks-new ticket' AND t.id NOT IN (1000, 1001)),
    'the new ticket lost its reply or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM replies r JOIN tickets t ON t.id = r.ticket_id
     WHERE r.body = 'ks-late reply' AND t.id = 1001),
    'the late reply lost its ticket');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ticket_id ORDER BY id) FROM replies WHERE id <= 3) = ARRAY[1000, 1000, 1001],
    'seeded replies changed');

-- The key's default is the schema's own function again, and it still works.
SELECT pg_temp.ks_assert(
    (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
     JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
     WHERE d.adrelid = 'public.tickets'::regclass AND a.attname = 'id') = 'ticketing.next_ticket()',
    'tickets.id did not get its default back');
