INSERT INTO tickets (title) VALUES ('printer on fire'), ('cannot log in');
INSERT INTO replies (ticket_id, body) VALUES (1000, 'have you tried water'), (1000, 'it is out'), (1001, 'reset sent');
