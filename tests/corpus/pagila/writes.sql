-- pagila (pagila/pagila-schema.sql + pagila/pagila-data.sql).
-- Writes made after the forward migration, through the UUID keys. Only column
-- names and subqueries reach converted columns. Integer literals appear only
-- in payment.payment_id, which stays an integer (part of the composite
-- primary key). store.manager_staff_id has no foreign key in pagila, but
-- tests/corpus/pagila/keyshift.toml declares it, so it holds staff uuids.

INSERT INTO country (country) VALUES ('ks-country');
INSERT INTO city (city, country_id) SELECT 'ks-city', country_id FROM country WHERE country = 'ks-country';
INSERT INTO address (address, district, city_id, postal_code, phone)
SELECT 'ks-address', 'ks-district', city_id, '00000', '555-0000' FROM city WHERE city = 'ks-city';

INSERT INTO language (name) VALUES ('ks-lang');
INSERT INTO category (name) VALUES ('ks-category');
INSERT INTO actor (first_name, last_name) VALUES ('KS', 'ACTOR');

-- fulltext is filled by the film_fulltext_trigger
INSERT INTO film (title, description, release_year, language_id, original_language_id, rental_duration, rental_rate, length)
SELECT 'KS FILM', 'written after forward', 2024, l.language_id, o.language_id, 5, 2.99, 90
FROM language l, language o WHERE l.name = 'ks-lang' AND o.name = 'English';

-- composite-PK join tables
INSERT INTO film_actor (actor_id, film_id)
SELECT a.actor_id, f.film_id FROM actor a, film f
WHERE a.first_name = 'KS' AND a.last_name = 'ACTOR' AND f.title = 'KS FILM';
INSERT INTO film_actor (actor_id, film_id)
SELECT a.actor_id, f.film_id FROM actor a, film f
WHERE a.first_name = 'PENELOPE' AND a.last_name = 'GUINESS' AND f.title = 'KS FILM';
INSERT INTO film_category (film_id, category_id)
SELECT f.film_id, c.category_id FROM film f, category c WHERE f.title = 'KS FILM' AND c.name = 'ks-category';
INSERT INTO film_category (film_id, category_id)
SELECT f.film_id, c.category_id FROM film f, category c WHERE f.title = 'ACADEMY DINOSAUR' AND c.name = 'ks-category';

-- a new staff member, first in the store staff fay.kub (id 1) manages, then managing a new
-- store of its own (store.manager_staff_id and staff.store_id point at each
-- other)
INSERT INTO staff (first_name, last_name, address_id, email, store_id, username)
SELECT 'KS', 'STAFF', a.address_id, 'ks-staff@example.com', s.store_id, 'ks-staff'
FROM address a, store s WHERE a.address = 'ks-address'
  AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'fay.kub');
INSERT INTO store (manager_staff_id, address_id)
SELECT st.staff_id, a.address_id FROM staff st, address a
WHERE st.username = 'ks-staff' AND a.address = 'ks-address';
UPDATE staff SET store_id = (SELECT store_id FROM store WHERE manager_staff_id = staff.staff_id)
WHERE username = 'ks-staff';

INSERT INTO customer (store_id, first_name, last_name, email, address_id, active)
SELECT s.store_id, 'KS', 'CUSTOMER', 'ks-customer@example.com', a.address_id, 1
FROM store s, address a WHERE s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff') AND a.address = 'ks-address';

-- inventory: the new film in the new store and in the store managed by 1
INSERT INTO inventory (film_id, store_id)
SELECT f.film_id, s.store_id FROM film f, store s WHERE f.title = 'KS FILM' AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff');
INSERT INTO inventory (film_id, store_id)
SELECT f.film_id, s.store_id FROM film f, store s WHERE f.title = 'KS FILM' AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'fay.kub');

INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
SELECT '2022-07-15 10:00:00+00', i.inventory_id, c.customer_id, st.staff_id
FROM inventory i
JOIN film f ON f.film_id = i.film_id AND f.title = 'KS FILM'
JOIN store s ON s.store_id = i.store_id AND s.manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff')
JOIN customer c ON c.email = 'ks-customer@example.com'
JOIN staff st ON st.username = 'ks-staff';

-- payments go through the partitioned parent: March has FKs on its partition, July has none
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.customer_id, r.staff_id, r.rental_id, 777.77, '2022-07-16 12:00:00+00'
FROM rental r JOIN customer c ON c.customer_id = r.customer_id
WHERE c.email = 'ks-customer@example.com';
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.customer_id, r.staff_id, r.rental_id, 888.88, '2022-03-16 12:00:00+00'
FROM rental r JOIN customer c ON c.customer_id = r.customer_id
WHERE c.email = 'ks-customer@example.com';

-- Updates of existing rows.
UPDATE customer SET
    store_id = (SELECT store_id FROM store WHERE manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff')),
    address_id = (SELECT address_id FROM address WHERE address = 'ks-address')
WHERE email = 'MARY.SMITH@sakilacustomer.org';

UPDATE city SET country_id = (SELECT country_id FROM country WHERE country = 'ks-country')
WHERE city = 'Abha';

UPDATE film SET original_language_id = (SELECT language_id FROM language WHERE name = 'ks-lang')
WHERE title = 'ACADEMY DINOSAUR';

UPDATE rental SET staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff')
WHERE rental_date = '2022-05-24 21:53:30+00';

-- payment_id is not converted (composite PK), so a literal selects the row
UPDATE payment SET staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-staff')
WHERE payment_id = 16050;

-- a composite-PK row moves to another film
UPDATE film_actor SET film_id = (SELECT film_id FROM film WHERE title = 'ACE GOLDFINGER')
WHERE actor_id = (SELECT actor_id FROM actor WHERE first_name = 'KS' AND last_name = 'ACTOR')
  AND film_id = (SELECT film_id FROM film WHERE title = 'KS FILM');

-- ON UPDATE CASCADE on a UUID key: the new country gets a new key, ks-city and Abha follow
UPDATE country SET country_id = gen_random_uuid() WHERE country = 'ks-country';
