-- Chinook, all three variants. After the forward migration every key defaults
-- to gen_random_uuid(), so the inserts omit them.
-- Writes made after the forward migration, through the UUID keys.
-- Only column names and subqueries reach the converted columns.

INSERT INTO artist (name) VALUES ('ks-artist');
INSERT INTO album (title, artist_id) SELECT 'ks-album', artist_id FROM artist WHERE name = 'ks-artist';
INSERT INTO genre (name) VALUES ('ks-genre');
INSERT INTO media_type (name) VALUES ('ks-media');

INSERT INTO track (name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price)
SELECT 'ks-track', al.album_id, mt.media_type_id, g.genre_id, 'ks composer', 180000, 3000000, 0.99
FROM album al, media_type mt, genre g
WHERE al.title = 'ks-album' AND mt.name = 'MPEG audio file' AND g.name = 'ks-genre';

-- album and genre are nullable on track
INSERT INTO track (name, media_type_id, milliseconds, unit_price)
SELECT 'ks-track-2', media_type_id, 1000, 1.99 FROM media_type WHERE name = 'ks-media';

INSERT INTO playlist (name) VALUES ('ks-playlist');

-- composite-PK join rows: new x new, new x old, old x new
INSERT INTO playlist_track (playlist_id, track_id)
SELECT p.playlist_id, t.track_id FROM playlist p, track t WHERE p.name = 'ks-playlist' AND t.name = 'ks-track';
INSERT INTO playlist_track (playlist_id, track_id)
SELECT p.playlist_id, t.track_id FROM playlist p, track t WHERE p.name = 'ks-playlist' AND t.name = 'Balls to the Wall';
INSERT INTO playlist_track (playlist_id, track_id)
SELECT p.playlist_id, t.track_id FROM playlist p, track t WHERE p.name = 'Grunge' AND t.name = 'ks-track';

-- self-reference: a new employee under the general manager
INSERT INTO employee (last_name, first_name, title, reports_to, hire_date, email)
SELECT 'ks-Rep', 'Kay', 'Sales Support Agent', employee_id, '2024-01-01', 'ks-rep@chinookcorp.com'
FROM employee WHERE email = 'andrew@chinookcorp.com';

INSERT INTO customer (first_name, last_name, email, country, support_rep_id)
SELECT 'Kim', 'ks-Customer', 'ks-customer@example.com', 'Canada', employee_id
FROM employee WHERE email = 'ks-rep@chinookcorp.com';

INSERT INTO invoice (customer_id, invoice_date, billing_city, billing_country, total)
SELECT customer_id, '2025-01-01', 'ks-city', 'Canada', 1.98
FROM customer WHERE email = 'ks-customer@example.com';

INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity)
SELECT i.invoice_id, t.track_id, 0.99, 1 FROM invoice i, track t
WHERE i.billing_city = 'ks-city' AND t.name = 'ks-track';
INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity)
SELECT i.invoice_id, t.track_id, 0.99, 2 FROM invoice i, track t
WHERE i.billing_city = 'ks-city' AND t.name = 'For Those About To Rock (We Salute You)';

-- Updates of existing rows.
UPDATE album SET artist_id = (SELECT artist_id FROM artist WHERE name = 'ks-artist')
WHERE title = 'Balls to the Wall';

UPDATE employee SET reports_to = (SELECT employee_id FROM employee WHERE email = 'ks-rep@chinookcorp.com')
WHERE email = 'laura@chinookcorp.com';

UPDATE customer SET support_rep_id = (SELECT employee_id FROM employee WHERE email = 'ks-rep@chinookcorp.com')
WHERE email = 'luisg@embraer.com.br';

UPDATE invoice SET customer_id = (SELECT customer_id FROM customer WHERE email = 'ks-customer@example.com')
WHERE customer_id = (SELECT customer_id FROM customer WHERE email = 'leonekohler@surfeu.de')
  AND invoice_date = '2021-01-01';

UPDATE track SET genre_id = (SELECT genre_id FROM genre WHERE name = 'ks-genre')
WHERE name = 'For Those About To Rock (We Salute You)';

UPDATE track SET album_id = NULL WHERE name = 'Hunger Strike';

-- a composite-PK row changes its playlist
UPDATE playlist_track SET playlist_id = (SELECT playlist_id FROM playlist WHERE name = 'ks-playlist')
WHERE playlist_id = (SELECT playlist_id FROM playlist WHERE name = 'Grunge')
  AND track_id IN (SELECT track_id FROM track WHERE name = 'Smells Like Teen Spirit');
