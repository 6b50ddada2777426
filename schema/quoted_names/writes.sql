-- quoted_names: writes after the forward migration.

INSERT INTO "UserAccounts" ("Email", "select") VALUES ('ks-Carol@Example.com', 'ks-ua');
INSERT INTO useraccounts (email) VALUES ('ks-twin');

INSERT INTO "user" ("UserAccountId", "select")
SELECT "userId", 'ks-user' FROM "UserAccounts" WHERE "Email" = 'ks-Carol@Example.com';

INSERT INTO "order" ("user", "from", "Order Total")
SELECT id, 'ks-from', 1.00 FROM "user" WHERE "select" = 'ks-user';

INSERT INTO "café" ("nom", "order")
SELECT 'ks-café', "order" FROM "order" WHERE "from" = 'ks-from';

INSERT INTO "Ünïcödé" ("caféClé", "ñame")
SELECT "clé", 'ks-ñame' FROM "café" WHERE "nom" = 'ks-café';

INSERT INTO "weird""name" ("ref.id", "user id", "owner's id", label)
SELECT u."ïd", usr.id, ua."userId", 'ks-weird'
FROM "Ünïcödé" u, "user" usr, "UserAccounts" ua
WHERE u."ñame" = 'ks-ñame' AND usr."select" = 'user-nobody' AND ua."Email" = 'ks-Carol@Example.com';

INSERT INTO "Bob's Table" ("weird""ref", "Price$", note)
SELECT "id""x", 2.50, 'ks-bob' FROM "weird""name" WHERE label = 'ks-weird';

-- Updates through the quoted keys.
UPDATE "user" SET "UserAccountId" = (SELECT "userId" FROM "UserAccounts" WHERE "Email" = 'ks-Carol@Example.com')
WHERE "select" = 'user-nobody';

UPDATE "order" SET "user" = (SELECT id FROM "user" WHERE "select" = 'ks-user')
WHERE "from" = 'shop';

UPDATE "café" SET "order" = (SELECT "order" FROM "order" WHERE "from" = 'ks-from')
WHERE "nom" = 'Deux Magots';

UPDATE "weird""name" SET "ref.id" = (SELECT "ïd" FROM "Ünïcödé" WHERE "ñame" = 'ks-ñame')
WHERE label = 'weird-two';

UPDATE "Bob's Table" SET "weird""ref" = (SELECT "id""x" FROM "weird""name" WHERE label = 'ks-weird')
WHERE note = 'bob-three';
