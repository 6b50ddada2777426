-- no_primary_key: writes after the forward migration.

INSERT INTO users (login) VALUES ('ks-dee');

INSERT INTO page_views (user_id, path)
SELECT id, '/ks-landing' FROM users WHERE login = 'ks-dee';
INSERT INTO page_views (user_id, path)
SELECT id, '/ks-landing' FROM users WHERE login = 'ks-dee';
INSERT INTO page_views (user_id, path)
SELECT id, '/ks-old-user' FROM users WHERE login = 'cy';

INSERT INTO referrals (referrer_id, referred_id, code)
SELECT r.id, d.id, 'ks-R-ANN-DEE' FROM users r, users d WHERE r.login = 'ann' AND d.login = 'ks-dee';
INSERT INTO referrals (referrer_id, referred_id, code)
SELECT id, NULL, 'ks-R-DEE-PENDING' FROM users WHERE login = 'ks-dee';

-- rows without a key, updated by content
UPDATE page_views SET user_id = (SELECT id FROM users WHERE login = 'ks-dee') WHERE path = '/pricing';
UPDATE referrals SET referred_id = (SELECT id FROM users WHERE login = 'ks-dee') WHERE code = 'R-BEN-PENDING';
UPDATE referrals SET referrer_id = NULL WHERE code = 'R-ANN-BEN';
