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

SELECT pg_temp.ks_assert(
    (SELECT subscription_billing_account_history_record_surrogate_key_value NOT IN (1, 2, 3)
     FROM subscription_billing_account_history_records_for_annual_reviews WHERE review_label = 'ks-review'),
    'ks-review missing or has a seeded id');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1
     FROM order_line_items_with_delivery_addresses_and_package_größe g
     JOIN subscription_billing_account_history_records_for_annual_reviews r
       USING (subscription_billing_account_history_record_surrogate_key_value)
     WHERE g.größe_label = 'ks-größe' AND r.review_label = 'ks-review' AND g.id NOT IN (10, 20, 30)),
    'ks-größe lost its review');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1
     FROM payment_reconciliation_entries_referencing_billing_history_rows e
     JOIN subscription_billing_account_history_records_for_annual_reviews p
       ON p.subscription_billing_account_history_record_surrogate_key_value = e.subscription_billing_account_history_record_reference_primary
     JOIN subscription_billing_account_history_records_for_annual_reviews s
       ON s.subscription_billing_account_history_record_surrogate_key_value = e.subscription_billing_account_history_record_reference_secondary
     JOIN order_line_items_with_delivery_addresses_and_package_größe g
       ON g.id = e.order_line_items_package_größe_ref
     WHERE e.memo = 'ks-entry' AND p.review_label = 'ks-review' AND s.review_label = 'review 2021'
       AND s.subscription_billing_account_history_record_surrogate_key_value = 1
       AND g.größe_label = 'ks-größe'
       AND e.entry_identifier_with_a_rather_long_but_still_legal_column_name NOT BETWEEN 1 AND 4),
    'ks-entry lost a parent');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1
     FROM payment_reconciliation_entries_referencing_billing_history_rows e
     JOIN subscription_billing_account_history_records_for_annual_reviews s
       ON s.subscription_billing_account_history_record_surrogate_key_value = e.subscription_billing_account_history_record_reference_secondary
     JOIN order_line_items_with_delivery_addresses_and_package_größe g
       ON g.id = e.order_line_items_package_größe_ref
     WHERE e.entry_identifier_with_a_rather_long_but_still_legal_column_name = 2
       AND e.subscription_billing_account_history_record_reference_primary = 2
       AND s.review_label = 'ks-review' AND g.größe_label = 'ks-größe'),
    'entry two update lost');

SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1
     FROM order_line_items_with_delivery_addresses_and_package_größe g
     JOIN subscription_billing_account_history_records_for_annual_reviews r
       USING (subscription_billing_account_history_record_surrogate_key_value)
     WHERE g.id = 30 AND g.größe_label = 'groß' AND r.review_label = 'ks-review'),
    'groß update lost');

SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[entry_identifier_with_a_rather_long_but_still_legal_column_name,
                            subscription_billing_account_history_record_reference_primary,
                            coalesce(subscription_billing_account_history_record_reference_secondary, 0),
                            coalesce(order_line_items_package_größe_ref, 0)]
                      ORDER BY entry_identifier_with_a_rather_long_but_still_legal_column_name)
     FROM payment_reconciliation_entries_referencing_billing_history_rows
     WHERE entry_identifier_with_a_rather_long_but_still_legal_column_name IN (1, 3, 4))
    = ARRAY[[1, 1, 2, 10], [3, 2, 3, 0], [4, 3, 1, 20]]::bigint[],
    'seeded entries changed');

SELECT pg_temp.ks_assert(
    pg_temp.ks_seq_ahead('subscription_billing_account_history_records_for_annual_reviews',
                         'subscription_billing_account_history_record_surrogate_key_value'),
    'reviews sequence behind');
SELECT pg_temp.ks_assert(
    pg_temp.ks_seq_ahead('order_line_items_with_delivery_addresses_and_package_größe', 'id'),
    'order line items sequence behind');
SELECT pg_temp.ks_assert(
    pg_temp.ks_seq_ahead('payment_reconciliation_entries_referencing_billing_history_rows',
                         'entry_identifier_with_a_rather_long_but_still_legal_column_name'),
    'entries identity behind');
