-- The withdraw permission and window rules moved to Java (chat.GroupPolicy, applied by
-- store.Withdrawals in one transaction under the conversation's row lock); the function that
-- held them is no longer called.
DROP FUNCTION withdraw_message(bigint, bigint, text, text, bigint);
