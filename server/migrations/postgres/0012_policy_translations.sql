-- Translations of published policy versions. English (`policy_versions`) is
-- the authoritative text; a translation carries the same version number,
-- effective date and materiality, and the same section and promise ids.
-- Like a version, a translation never changes once published: `source` is the
-- whole file, front matter included.
CREATE TABLE policy_translations (
    version      BIGINT  NOT NULL REFERENCES policy_versions (version),
    -- A tag the server knows (`en` never: English is the version itself).
    language     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    published_at BIGINT  NOT NULL,
    PRIMARY KEY (version, language)
);
