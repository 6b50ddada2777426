-- listmonk's totals row uses list_id 0 to mean "all lists". A uuid key has
-- no 0; the nil uuid plays the same part once lists.id is uuid.
SELECT now() AS updated_at, lists.id AS list_id, subscriber_lists.status, count(subscriber_lists.status) AS subscriber_count
FROM public.lists
LEFT JOIN public.subscriber_lists ON subscriber_lists.list_id = lists.id
GROUP BY lists.id, subscriber_lists.status
UNION ALL
SELECT now() AS updated_at, '00000000-0000-0000-0000-000000000000'::uuid AS list_id, NULL AS status, count(id) AS subscriber_count
FROM public.subscribers
