-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM north.user_posts WHERE name = 'ks-north' AND title = 'ks-north-post' AND user_id NOT IN (1, 2)),
    'ks-north-post lost its author');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM south.user_posts WHERE handle = '@dan' AND body = 'ks-south-post' AND user_id = 2),
    'ks-south-post is not by @dan');
SELECT pg_temp.ks_assert(
    (SELECT posts = 3 FROM south.post_counts WHERE handle = '@dan'),
    'south.post_counts does not count three posts for @dan');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM south.users WHERE handle = '@ks-south' AND id NOT IN (1, 2)),
    '@ks-south missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[user_id, label_id]) FROM public.south_users_with_labels) = ARRAY[[1, 1]]::bigint[],
    'public.south_users_with_labels changed');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM public.fresh WHERE note = 'written after forward' AND id NOT IN (1, 2)),
    'the row written to public.fresh after forward is missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM public.fresh WHERE note = 'second, updated'),
    'the update to public.fresh after forward is lost');
