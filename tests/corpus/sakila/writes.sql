-- sakila (sakila/postgres-sakila-schema.sql + sakila/postgres-sakila-insert-data-using-copy.sql).
-- Writes made after the forward migration, through the UUID keys. Only column
-- names and subqueries reach converted columns.

INSERT INTO country (country) VALUES ('ks-country');
INSERT INTO city (city, country_id) SELECT 'ks-city', country_id FROM country WHERE country = 'ks-country';
INSERT INTO address (address, district, city_id, postal_code, phone)
SELECT 'ks-address', 'ks-district', city_id, '00000', '555-0000' FROM city WHERE city = 'ks-city';

INSERT INTO language (name) VALUES ('ks-lang');
INSERT INTO category (name) VALUES ('ks-category');
INSERT INTO actor (first_name, last_name) VALUES ('KS', 'ACTOR');

INSERT INTO film (title, description, release_year, language_id, original_language_id, rental_duration, rental_rate, length)
SELECT 'KS FILM', 'written after forward', 2024, l.language_id, o.language_id, 5, 2.99, 90
FROM language l, language o WHERE l.name = 'ks-lang' AND o.name = 'English';

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

-- The staff <-> store cycle (both NOT NULL, not deferrable): hire into Mike's
-- store, open a store managed by the new hire, then move the hire there.
INSERT INTO staff (first_name, last_name, address_id, email, store_id, username)
SELECT 'KS', 'MANAGER', a.address_id, 'ks-manager@example.com', m.store_id, 'ks-manager'
FROM address a, staff m WHERE a.address = 'ks-address' AND m.username = 'Mike';

INSERT INTO store (manager_staff_id, address_id)
SELECT st.staff_id, a.address_id FROM staff st, address a
WHERE st.username = 'ks-manager' AND a.address = 'ks-address';

UPDATE staff SET store_id = (
    SELECT s.store_id FROM store s JOIN staff m ON m.staff_id = s.manager_staff_id WHERE m.username = 'ks-manager')
WHERE username = 'ks-manager';

INSERT INTO staff (first_name, last_name, address_id, store_id, username)
SELECT 'KS', 'CLERK', st.address_id, st.store_id, 'ks-clerk' FROM staff st WHERE st.username = 'ks-manager';

INSERT INTO customer (store_id, first_name, last_name, email, address_id, active)
SELECT st.store_id, 'KS', 'CUSTOMER', 'ks-customer@example.com', st.address_id, 1
FROM staff st WHERE st.username = 'ks-manager';

INSERT INTO inventory (film_id, store_id)
SELECT f.film_id, st.store_id FROM film f, staff st WHERE f.title = 'KS FILM' AND st.username = 'ks-manager';
INSERT INTO inventory (film_id, store_id)
SELECT f.film_id, s.store_id FROM film f, store s JOIN staff m ON m.staff_id = s.manager_staff_id
WHERE f.title = 'KS FILM' AND m.username = 'Mike';

INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
SELECT '2006-03-01 10:00:00', i.inventory_id, c.customer_id, st.staff_id
FROM inventory i
JOIN film f ON f.film_id = i.film_id AND f.title = 'KS FILM'
JOIN staff st ON st.store_id = i.store_id AND st.username = 'ks-clerk'
JOIN customer c ON c.email = 'ks-customer@example.com';

-- One payment stays in payment; one is routed by the payment_insert_p2007_03
-- rule into the inheritance child payment_p2007_03 (its key from the child's default).
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.customer_id, r.staff_id, r.rental_id, 777.77, '2006-03-02 12:00:00'
FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE c.email = 'ks-customer@example.com';
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
SELECT r.customer_id, r.staff_id, r.rental_id, 888.88, '2007-03-15 12:00:00'
FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE c.email = 'ks-customer@example.com';

-- Updates of existing rows.
UPDATE customer SET
    store_id = (SELECT store_id FROM staff WHERE username = 'ks-manager'),
    address_id = (SELECT address_id FROM address WHERE address = 'ks-address')
WHERE email = 'MARY.SMITH@sakilacustomer.org';

UPDATE city SET country_id = (SELECT country_id FROM country WHERE country = 'ks-country') WHERE city = 'Abha';

UPDATE film SET original_language_id = (SELECT language_id FROM language WHERE name = 'ks-lang')
WHERE title = 'ACADEMY DINOSAUR';

UPDATE rental SET staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-clerk')
WHERE rental_date = '2005-05-24 22:53:30';

UPDATE payment SET staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-clerk')
WHERE customer_id = (SELECT customer_id FROM customer WHERE email = 'MARY.SMITH@sakilacustomer.org')
  AND payment_date = '2005-05-25 11:30:37';

-- the new store is handed to the clerk (the other half of the cycle)
UPDATE store SET manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-clerk')
WHERE manager_staff_id = (SELECT staff_id FROM staff WHERE username = 'ks-manager');

UPDATE film_actor SET film_id = (SELECT film_id FROM film WHERE title = 'ACE GOLDFINGER')
WHERE actor_id = (SELECT actor_id FROM actor WHERE first_name = 'KS' AND last_name = 'ACTOR')
  AND film_id = (SELECT film_id FROM film WHERE title = 'KS FILM');

-- ON UPDATE CASCADE on a UUID key
UPDATE country SET country_id = gen_random_uuid() WHERE country = 'ks-country';
