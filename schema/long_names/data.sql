INSERT INTO subscription_billing_account_history_records_for_annual_reviews
    (subscription_billing_account_history_record_surrogate_key_value, review_label, reviewed_at) VALUES
    (1, 'review 2021', '2021-12-31 00:00+00'),
    (2, 'review 2022', '2022-12-31 00:00+00'),
    (3, 'review 2023', NULL);
SELECT setval(pg_get_serial_sequence('subscription_billing_account_history_records_for_annual_reviews',
                                     'subscription_billing_account_history_record_surrogate_key_value'), 3);

INSERT INTO order_line_items_with_delivery_addresses_and_package_größe
    (id, subscription_billing_account_history_record_surrogate_key_value, größe_label) VALUES
    (10, 1,    'klein'),
    (20, 1,    'mittel'),
    (30, NULL, 'groß');
SELECT setval(pg_get_serial_sequence('order_line_items_with_delivery_addresses_and_package_größe', 'id'), 30);

INSERT INTO payment_reconciliation_entries_referencing_billing_history_rows
    (entry_identifier_with_a_rather_long_but_still_legal_column_name,
     subscription_billing_account_history_record_reference_primary,
     subscription_billing_account_history_record_reference_secondary,
     order_line_items_package_größe_ref, memo)
OVERRIDING SYSTEM VALUE VALUES
    (1, 1, 2,    10,   'entry one'),
    (2, 2, NULL, 30,   'entry two'),
    (3, 2, 3,    NULL, 'entry three'),
    (4, 3, 1,    20,   'entry four');
SELECT setval(pg_get_serial_sequence('payment_reconciliation_entries_referencing_billing_history_rows',
                                     'entry_identifier_with_a_rather_long_but_still_legal_column_name'), 4);
