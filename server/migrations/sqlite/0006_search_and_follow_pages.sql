-- Member search with an index made for "contains": a trigram full-text
-- index over usernames and display names (any letter case), kept in step by
-- triggers. Whether a member is discoverable, and who may see their display
-- name, is decided at query time, so the index holds every member.
CREATE VIRTUAL TABLE member_search USING fts5 (username, display_name, tokenize = 'trigram');

INSERT INTO member_search (rowid, username, display_name)
SELECT u.id, u.username, p.display_name FROM users u JOIN profiles p ON p.user_id = u.id;

CREATE TRIGGER member_search_add AFTER INSERT ON profiles BEGIN
    INSERT INTO member_search (rowid, username, display_name)
    SELECT NEW.user_id, u.username, NEW.display_name FROM users u WHERE u.id = NEW.user_id;
END;

CREATE TRIGGER member_search_rename AFTER UPDATE OF display_name ON profiles BEGIN
    UPDATE member_search SET display_name = NEW.display_name WHERE rowid = NEW.user_id;
END;

CREATE TRIGGER member_search_username AFTER UPDATE OF username ON users BEGIN
    UPDATE member_search SET username = NEW.username WHERE rowid = NEW.id;
END;

CREATE TRIGGER member_search_remove AFTER DELETE ON profiles BEGIN
    DELETE FROM member_search WHERE rowid = OLD.user_id;
END;

-- "Following" lists page newest first, like "followers" (follows_followee).
CREATE INDEX follows_follower ON follows (follower_id, status);
