-- long_names: writes after the forward migration.

INSERT INTO subscription_billing_account_history_records_for_annual_reviews (review_label)
VALUES ('ks-review');

INSERT INTO order_line_items_with_delivery_addresses_and_package_größe
    (subscription_billing_account_history_record_surrogate_key_value, größe_label)
SELECT subscription_billing_account_history_record_surrogate_key_value, 'ks-größe'
FROM subscription_billing_account_history_records_for_annual_reviews
WHERE review_label = 'ks-review';

INSERT INTO payment_reconciliation_entries_referencing_billing_history_rows
    (subscription_billing_account_history_record_reference_primary,
     subscription_billing_account_history_record_reference_secondary,
     order_line_items_package_größe_ref, memo)
SELECT n.subscription_billing_account_history_record_surrogate_key_value,
       o.subscription_billing_account_history_record_surrogate_key_value,
       g.id, 'ks-entry'
FROM subscription_billing_account_history_records_for_annual_reviews n,
     subscription_billing_account_history_records_for_annual_reviews o,
     order_line_items_with_delivery_addresses_and_package_größe g
WHERE n.review_label = 'ks-review' AND o.review_label = 'review 2021' AND g.größe_label = 'ks-größe';

UPDATE payment_reconciliation_entries_referencing_billing_history_rows
SET subscription_billing_account_history_record_reference_secondary = (
        SELECT subscription_billing_account_history_record_surrogate_key_value
        FROM subscription_billing_account_history_records_for_annual_reviews WHERE review_label = 'ks-review'),
    order_line_items_package_größe_ref = (
        SELECT id FROM order_line_items_with_delivery_addresses_and_package_größe WHERE größe_label = 'ks-größe')
WHERE memo = 'entry two';

UPDATE order_line_items_with_delivery_addresses_and_package_größe
SET subscription_billing_account_history_record_surrogate_key_value = (
        SELECT subscription_billing_account_history_record_surrogate_key_value
        FROM subscription_billing_account_history_records_for_annual_reviews WHERE review_label = 'ks-review')
WHERE größe_label = 'groß';
