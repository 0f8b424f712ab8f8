-- Notifications remember the conversation they are about and who sent them (NULL for the server's own).
ALTER TABLE notifications ADD COLUMN conversation_id TEXT;
ALTER TABLE notifications ADD COLUMN sender_id TEXT;
-- Unread counts and ?unreadOnly=true read only the unread rows.
CREATE INDEX ix_notifications_unread ON notifications (user_id, created_at) WHERE read_at IS NULL;
