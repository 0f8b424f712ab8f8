-- Trust and safety, part two. A conversation event's user_id now names whose doing it is (a message's sender, a
-- reactor), so resume and fan-out can leave out people the reader blocked; personal events keep conversation_id
-- NULL, and their index covers only them, so resume's personal lookup does not walk the sender's messages.
DROP INDEX ix_events_user;
CREATE INDEX ix_events_user ON events (user_id, id) WHERE conversation_id IS NULL;
