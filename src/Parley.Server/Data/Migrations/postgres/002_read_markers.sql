-- Lowest read markers per conversation ("has every other member read this?") without scanning every member.
CREATE INDEX ix_members_read ON members (conversation_id, last_read_seq, user_id);
