-- Chinook, all three variants (plain integer, serial and identity keys).
-- Runs after the rollback: every key is an integer again.

-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- Rows written after forward: fresh integer keys beyond the seeded ranges, right parents.
SELECT pg_temp.ks_assert((SELECT artist_id > 275 FROM artist WHERE name = 'ks-artist'),
    'ks-artist missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM album al JOIN artist ar ON ar.artist_id = al.artist_id
     WHERE al.title = 'ks-album' AND ar.name = 'ks-artist' AND al.album_id > 347),
    'ks-album lost its artist');
SELECT pg_temp.ks_assert((SELECT genre_id > 25 FROM genre WHERE name = 'ks-genre'), 'ks-genre missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT media_type_id > 5 FROM media_type WHERE name = 'ks-media'), 'ks-media missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM track t
     JOIN album al ON al.album_id = t.album_id
     JOIN media_type mt ON mt.media_type_id = t.media_type_id
     JOIN genre g ON g.genre_id = t.genre_id
     WHERE t.name = 'ks-track' AND al.title = 'ks-album' AND mt.name = 'MPEG audio file' AND mt.media_type_id = 1
       AND g.name = 'ks-genre' AND t.track_id > 3503),
    'ks-track lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM track t JOIN media_type mt ON mt.media_type_id = t.media_type_id
     WHERE t.name = 'ks-track-2' AND mt.name = 'ks-media' AND t.album_id IS NULL AND t.genre_id IS NULL AND t.track_id > 3503),
    'ks-track-2 wrong');
SELECT pg_temp.ks_assert(
    (SELECT count(DISTINCT track_id) = 2 FROM track WHERE name IN ('ks-track', 'ks-track-2')),
    'new tracks do not have distinct ids');
SELECT pg_temp.ks_assert((SELECT playlist_id > 18 FROM playlist WHERE name = 'ks-playlist'), 'ks-playlist missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(t.name::text ORDER BY t.name COLLATE "C") FROM playlist_track pt
     JOIN playlist p ON p.playlist_id = pt.playlist_id JOIN track t ON t.track_id = pt.track_id
     WHERE p.name = 'ks-playlist')
    = ARRAY['Balls to the Wall', 'Smells Like Teen Spirit', 'ks-track'],  -- "C" order
    'ks-playlist does not hold exactly its three tracks');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM playlist_track pt JOIN track t ON t.track_id = pt.track_id
     WHERE pt.playlist_id = 16 AND t.name = 'ks-track'),
    'Grunge (16) lost ks-track');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM playlist_track WHERE playlist_id = 16 AND track_id = 2003),
    'Smells Like Teen Spirit is still on Grunge');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 14 FROM playlist_track WHERE playlist_id = 16 AND track_id <= 3503),
    'Grunge lost seeded tracks');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM employee e JOIN employee m ON m.employee_id = e.reports_to
     WHERE e.email = 'ks-rep@chinookcorp.com' AND m.email = 'andrew@chinookcorp.com' AND m.employee_id = 1
       AND e.employee_id > 8),
    'ks-Rep lost its manager');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM customer c JOIN employee e ON e.employee_id = c.support_rep_id
     WHERE c.email = 'ks-customer@example.com' AND e.email = 'ks-rep@chinookcorp.com' AND c.customer_id > 59),
    'ks-customer lost its support rep');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM invoice i JOIN customer c ON c.customer_id = i.customer_id
     WHERE i.billing_city = 'ks-city' AND c.email = 'ks-customer@example.com' AND i.invoice_id > 412),
    'ks invoice lost its customer');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(t.name || ' x' || il.quantity ORDER BY t.name COLLATE "C") FROM invoice_line il
     JOIN invoice i ON i.invoice_id = il.invoice_id JOIN track t ON t.track_id = il.track_id
     WHERE i.billing_city = 'ks-city' AND il.invoice_line_id > 2240)
    = ARRAY['For Those About To Rock (We Salute You) x2', 'ks-track x1'],
    'ks invoice lines lost their invoice or track');

-- Updated rows keep their own ids and point at the right parents.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM album al JOIN artist ar ON ar.artist_id = al.artist_id
     WHERE al.album_id = 2 AND al.title = 'Balls to the Wall' AND ar.name = 'ks-artist'),
    'album 2 was not moved to ks-artist');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM employee e JOIN employee m ON m.employee_id = e.reports_to
     WHERE e.employee_id = 8 AND e.email = 'laura@chinookcorp.com' AND m.email = 'ks-rep@chinookcorp.com'),
    'employee 8 does not report to ks-Rep');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM customer c JOIN employee e ON e.employee_id = c.support_rep_id
     WHERE c.customer_id = 1 AND e.email = 'ks-rep@chinookcorp.com'),
    'customer 1 did not get ks-Rep');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM invoice i JOIN customer c ON c.customer_id = i.customer_id
     WHERE i.invoice_id = 1 AND c.email = 'ks-customer@example.com'),
    'invoice 1 was not moved to ks-customer');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM track t JOIN genre g ON g.genre_id = t.genre_id
     WHERE t.track_id = 1 AND g.name = 'ks-genre' AND t.album_id = 1 AND t.media_type_id = 1),
    'track 1 did not get ks-genre');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM track WHERE track_id = 3367 AND name = 'Hunger Strike' AND album_id IS NULL),
    'track 3367 still has an album');

-- Untouched seed rows keep their original integer keys.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[employee_id, coalesce(reports_to, 0)] ORDER BY employee_id) FROM employee WHERE employee_id <= 7)
    = ARRAY[[1, 0], [2, 1], [3, 2], [4, 2], [5, 2], [6, 1], [7, 6]],
    'seeded employee hierarchy changed');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 2240 FROM invoice_line il JOIN invoice i USING (invoice_id) JOIN track t USING (track_id)
     WHERE il.invoice_line_id <= 2240 AND i.invoice_id <= 412 AND t.track_id <= 3503),
    'seeded invoice lines lost their links');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 8715 - 1 FROM playlist_track WHERE playlist_id <= 18 AND track_id <= 3503),
    'seeded playlist_track rows changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(album_id || ':' || artist_id, ',' ORDER BY album_id)) FROM album
     WHERE album_id <= 347 AND album_id <> 2) = '959263e2f996123271a38a00c82e0fae',
    'seeded album -> artist links changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', track_id, album_id, media_type_id, genre_id), ',' ORDER BY track_id)) FROM track
     WHERE track_id <= 3503 AND track_id NOT IN (1, 3367)) = '21dc32109e345697d6ac7ed582bd009f',
    'seeded track -> album/media_type/genre links changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', customer_id, support_rep_id), ',' ORDER BY customer_id)) FROM customer
     WHERE customer_id <= 59 AND customer_id <> 1) = '2274566afcd69b72ec79679b0065f1c7',
    'seeded customer -> support rep links changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', invoice_id, customer_id), ',' ORDER BY invoice_id)) FROM invoice
     WHERE invoice_id <= 412 AND invoice_id <> 1) = '9c879075c102bc6fc510e61dd390508d',
    'seeded invoice -> customer links changed');
