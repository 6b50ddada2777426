-- pagila: runs after the rollback, when every key is an integer again.

-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col (serial, identity, OWNED BY, or a
-- plain DEFAULT nextval('…')) would hand out a value above every value already
-- in the column.
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    inc    bigint;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    IF seq IS NULL THEN
        SELECT replace(substring(pg_get_expr(d.adbin, d.adrelid) FROM '^nextval\(''(.*)''::regclass\)$'), '''''', '''')::regclass
        INTO seq
        FROM pg_attrdef d
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = tbl AND a.attname = col;
    END IF;
    IF seq IS NULL THEN
        RAISE EXCEPTION 'writes_check failed: no sequence behind %.%', tbl, col;
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    SELECT seqincrement INTO inc FROM pg_sequence WHERE seqrelid = seq;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + inc ELSE lv END) > mx;
END $$;

-- New parents: fresh integer keys above the seeded ranges.
SELECT pg_temp.ks_assert((SELECT country_id > 109 FROM country WHERE country = 'ks-country'), 'ks-country missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT language_id > 6 FROM language WHERE name = 'ks-lang'), 'ks-lang missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT category_id > 16 FROM category WHERE name = 'ks-category'), 'ks-category missing or has a seeded id');
SELECT pg_temp.ks_assert((SELECT actor_id > 200 FROM actor WHERE first_name = 'KS' AND last_name = 'ACTOR'), 'ks actor missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM city ci JOIN country co ON co.country_id = ci.country_id
     WHERE ci.city = 'ks-city' AND co.country = 'ks-country' AND ci.city_id > 600),
    'ks-city lost its country (after ON UPDATE CASCADE)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM address a JOIN city ci ON ci.city_id = a.city_id
     WHERE a.address = 'ks-address' AND ci.city = 'ks-city' AND a.address_id > 605),
    'ks-address lost its city');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM film f
     JOIN language l ON l.language_id = f.language_id
     JOIN language o ON o.language_id = f.original_language_id
     WHERE f.title = 'KS FILM' AND l.name = 'ks-lang' AND o.name = 'English' AND o.language_id = 1 AND f.film_id > 1000),
    'KS FILM lost a language');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM film_actor fa JOIN actor a ON a.actor_id = fa.actor_id JOIN film f ON f.film_id = fa.film_id
     WHERE a.first_name = 'PENELOPE' AND a.last_name = 'GUINESS' AND a.actor_id = 1 AND f.title = 'KS FILM'),
    'film_actor (PENELOPE GUINESS, KS FILM) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM film_actor fa JOIN actor a ON a.actor_id = fa.actor_id JOIN film f ON f.film_id = fa.film_id
     WHERE a.first_name = 'KS' AND a.last_name = 'ACTOR' AND f.title = 'ACE GOLDFINGER' AND f.film_id = 2),
    'film_actor (KS ACTOR) was not moved to ACE GOLDFINGER');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM film_actor fa JOIN film f ON f.film_id = fa.film_id JOIN actor a ON a.actor_id = fa.actor_id
     WHERE f.title = 'KS FILM' AND a.first_name = 'KS'),
    'film_actor (KS ACTOR, KS FILM) still present');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(f.title ORDER BY f.film_id) FROM film_category fc
     JOIN film f ON f.film_id = fc.film_id JOIN category c ON c.category_id = fc.category_id
     WHERE c.name = 'ks-category')
    = ARRAY['ACADEMY DINOSAUR', 'KS FILM'],
    'film_category rows for ks-category lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM store s JOIN address a ON a.address_id = s.address_id
     WHERE s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff') AND a.address = 'ks-address' AND s.store_id > 499),
    'new store lost its address');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM staff st
     JOIN store s ON s.store_id = st.store_id JOIN address a ON a.address_id = st.address_id
     WHERE st.username = 'ks-staff' AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff') AND a.address = 'ks-address' AND st.staff_id > 1499),
    'ks-staff lost its store or address');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM customer c
     JOIN store s ON s.store_id = c.store_id JOIN address a ON a.address_id = c.address_id
     WHERE c.email = 'ks-customer@example.com' AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff') AND a.address = 'ks-address'
       AND c.customer_id > 599),
    'ks customer lost its store or address');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(m.username::text ORDER BY m.username = 'fay.kub' DESC) FROM inventory i
     JOIN film f ON f.film_id = i.film_id JOIN store s ON s.store_id = i.store_id
     JOIN staff m ON m.staff_id = s.manager_staff_id
     WHERE f.title = 'KS FILM' AND i.inventory_id > 4581)
    = ARRAY['fay.kub', 'ks-staff'],
    'inventory of KS FILM lost its film or store');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM rental r
     JOIN inventory i ON i.inventory_id = r.inventory_id
     JOIN film f ON f.film_id = i.film_id
     JOIN store s ON s.store_id = i.store_id
     JOIN customer c ON c.customer_id = r.customer_id
     JOIN staff st ON st.staff_id = r.staff_id
     WHERE r.rental_date = '2022-07-15 10:00:00+00' AND f.title = 'KS FILM' AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff')
       AND c.email = 'ks-customer@example.com' AND st.username = 'ks-staff' AND r.rental_id > 16049),
    'ks rental lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(p.tableoid::regclass::text ORDER BY p.amount) FROM payment p
     JOIN rental r ON r.rental_id = p.rental_id
     JOIN customer c ON c.customer_id = p.customer_id AND c.customer_id = r.customer_id
     JOIN staff st ON st.staff_id = p.staff_id
     WHERE p.amount IN (777.77, 888.88) AND c.email = 'ks-customer@example.com' AND st.username = 'ks-staff'
       AND r.rental_date = '2022-07-15 10:00:00+00' AND p.payment_id > 32098)
    = ARRAY['payment_p2022_07', 'payment_p2022_03'],
    'ks payments lost a parent or landed in the wrong partition');

-- Updated rows keep their ids and point at the right parents.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM customer c
     JOIN store s ON s.store_id = c.store_id JOIN address a ON a.address_id = c.address_id
     WHERE c.customer_id = 1 AND c.email = 'MARY.SMITH@sakilacustomer.org'
       AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff') AND a.address = 'ks-address'),
    'customer 1 was not moved to the new store / address');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM city ci JOIN country co ON co.country_id = ci.country_id
     WHERE ci.city_id = 2 AND ci.city = 'Abha' AND co.country = 'ks-country'),
    'city 2 (Abha) was not moved to ks-country (or lost it in the cascade)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM film f JOIN language o ON o.language_id = f.original_language_id
     WHERE f.film_id = 1 AND f.language_id = 1 AND o.name = 'ks-lang'),
    'film 1 did not get ks-lang as original language');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM rental r JOIN staff st ON st.staff_id = r.staff_id
     WHERE r.rental_id = 1 AND r.inventory_id = 367 AND r.customer_id = 130 AND st.username = 'ks-staff'),
    'rental 1 was not re-assigned to ks-staff');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM payment p JOIN staff st ON st.staff_id = p.staff_id
     WHERE p.payment_id = 16050 AND p.customer_id = 269 AND p.rental_id = 7 AND st.username = 'ks-staff'),
    'payment 16050 was not re-assigned to ks-staff');

-- Untouched seed rows keep their original integer keys.
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', rental_id, inventory_id, customer_id, staff_id), ',' ORDER BY rental_id))
     FROM rental WHERE rental_id <= 16049 AND rental_id <> 1) = '0e1e38dbabe895c8f790f8310fa4f65b',
    'seeded rentals lost their links');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', payment_id, customer_id, staff_id, rental_id), ',' ORDER BY payment_id))
     FROM payment WHERE payment_id BETWEEN 16051 AND 32098) = '2f5d871b948913ef465ebca4e63274ac',
    'seeded payments changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', film_id, category_id), ',' ORDER BY film_id, category_id))
     FROM film_category WHERE film_id <= 1000 AND category_id <= 16) = '710ac44320de83072a113662fb668bd9',
    'seeded film_category rows changed');
SELECT pg_temp.ks_assert(
    (SELECT md5(string_agg(concat_ws(':', staff_id, store_id, address_id), ',' ORDER BY staff_id))
     FROM staff WHERE staff_id <= 1499) = 'ff58146aa3a71abd1c6d679b7cbea1ed',
    'seeded staff rows changed');

-- The views work again, on integer keys.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM customer_list WHERE name = 'KS CUSTOMER' AND id > 599 AND sid > 499),
    'customer_list does not show the new customer');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM staff_list WHERE id > 1499 AND name = 'KS STAFF' AND city = 'ks-city' AND country = 'ks-country'),
    'staff_list does not show the new staff');

SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('actor', 'actor_id'), 'actor sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('address', 'address_id'), 'address sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('category', 'category_id'), 'category sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('city', 'city_id'), 'city sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('country', 'country_id'), 'country sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('customer', 'customer_id'), 'customer sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('film', 'film_id'), 'film sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('inventory', 'inventory_id'), 'inventory sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('language', 'language_id'), 'language sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('payment', 'payment_id'), 'payment sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('rental', 'rental_id'), 'rental sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('staff', 'staff_id'), 'staff sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('store', 'store_id'), 'store sequence behind');
