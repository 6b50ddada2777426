-- function_default: writes after the forward migration. tickets.id now
-- defaults to a UUID.
INSERT INTO tickets (title) VALUES ('ks-new ticket');
INSERT INTO replies (ticket_id, body) SELECT id, 'ks-first reply' FROM tickets WHERE title = 'ks-new ticket';
INSERT INTO replies (ticket_id, body) SELECT id, 'ks-late reply' FROM tickets WHERE title = 'cannot log in';
