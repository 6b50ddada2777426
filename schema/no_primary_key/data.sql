INSERT INTO users (id, login) VALUES (1, 'ann'), (2, 'ben'), (3, 'cy');
SELECT setval(pg_get_serial_sequence('users', 'id'), 3);

INSERT INTO page_views (user_id, path, viewed_at) VALUES
    (1, '/',        '2024-01-01 10:00+00'),
    (1, '/',        '2024-01-01 10:00+00'),   -- an exact duplicate row
    (1, '/about',   '2024-01-01 10:05+00'),
    (2, '/pricing', '2024-01-02 09:00+00');

INSERT INTO referrals (referrer_id, referred_id, code) VALUES
    (1,    2,    'R-ANN-BEN'),
    (NULL, 3,    'R-ORGANIC-CY'),
    (2,    NULL, 'R-BEN-PENDING');
