-- smallint_key: writes after the forward migration.

-- sizes.id has no default before the migration; afterwards it defaults to a UUID.
INSERT INTO sizes (label) VALUES ('ks-XL');
INSERT INTO colors (name, hex) VALUES ('ks-teal', '#008080');

INSERT INTO variants (sku, size_id, color_id)
SELECT 'ks-TS-XL-TEAL', s.id, c.id FROM sizes s, colors c WHERE s.label = 'ks-XL' AND c.name = 'ks-teal';

INSERT INTO legacy_stock (size_id, color_id, quantity)
SELECT s.id, c.id, 99 FROM sizes s, colors c WHERE s.label = 'ks-XL' AND c.name = 'ks-teal';

UPDATE variants SET color_id = (SELECT id FROM colors WHERE name = 'ks-teal') WHERE sku = 'TS-L';
UPDATE legacy_stock SET size_id = (SELECT id FROM sizes WHERE label = 'ks-XL') WHERE quantity = 0;
