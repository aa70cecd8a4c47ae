//! Policy versions and acceptances in the database.

use anyhow::Context;
use curtain_api::policy::MATERIAL_NOTICE_DAYS;
use curtain_api::CivilDate;
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use crate::db::Db;
use crate::outbox::{self, PolicyChange};
use crate::public_url::PublicUrl;

use curtain_ui::Lang;

use super::document::{self, PolicySource, SourceError, TranslationError};
use super::published;

/// Why `publish` refused a version. Each message says what to change.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the file is not a valid policy version: {0}")]
    Source(#[from] SourceError),
    #[error("the file is not a translation of a published version: {0}")]
    Translation(#[from] TranslationError),
    #[error(
        "version {version} already has a {language} translation, and a published translation never changes; \
         correct the wording in the translation of the next version"
    )]
    TranslationExists { version: u32, language: &'static str },
    #[error("two of the files are {language} translations; give one file per language")]
    TwoTranslations { language: &'static str },
    #[error("the next version must be number {expected}, but the file says {found}")]
    NotNext { expected: u32, found: u32 },
    #[error(
        "version {version} would take effect on {effective}, before version {previous} (effective {previous_effective}); \
         a new version cannot be backdated before the one it replaces"
    )]
    BeforePrevious { version: u32, effective: CivilDate, previous: u32, previous_effective: CivilDate },
    #[error("version {version} would take effect on {effective}, which has already passed (today is {today}); pick today or a later date")]
    Backdated { version: u32, effective: CivilDate, today: CivilDate },
    #[error(
        "version {version} is a material change, so it must be announced at least {days} days before it takes effect: \
         make it effective on {earliest} or later. Only an urgent change required by law may take effect sooner; \
         then publish it with --urgent \"the reason\", which the policy page shows."
    )]
    TooSoon { version: u32, days: i64, earliest: CivilDate },
    #[error("--urgent needs the reason in words (at least a sentence), which the policy page shows")]
    UrgentWithoutReason,
    #[error("--urgent is only for a material version taking effect within {days} days; version {version} is announced in time without it")]
    UrgentNotNeeded { version: u32, days: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Write(#[from] crate::error::Error),
    #[error(transparent)]
    Stored(#[from] anyhow::Error),
}

/// Parsed versions with their sections rendered to sanitised HTML, kept by one
/// server. A published version never changes, so each is read, parsed and
/// rendered once; which versions exist is still asked of the database on every
/// call, so a version published by another process or replica shows up.
#[derive(Default)]
pub struct VersionCache {
    parsed: std::sync::Mutex<std::collections::BTreeMap<u32, std::sync::Arc<RenderedVersion>>>,
    /// Translations, by version and language; like versions, they never change.
    translated: std::sync::Mutex<std::collections::BTreeMap<(u32, &'static str), std::sync::Arc<RenderedVersion>>>,
}

/// The translations of the policy into one language, by version number.
pub type Translations = std::collections::BTreeMap<u32, std::sync::Arc<RenderedVersion>>;

/// One version as it is served.
pub struct RenderedVersion {
    pub source: PolicySource,
    /// `section_html` of each section, in order.
    pub sections_html: Vec<String>,
}

impl VersionCache {
    /// Every version in the database, oldest first.
    pub async fn versions(&self, db: &AnyPool) -> anyhow::Result<Vec<std::sync::Arc<RenderedVersion>>> {
        let numbers: Vec<i64> = sqlx::query_scalar("SELECT version FROM policy_versions ORDER BY version")
            .fetch_all(db)
            .await?;
        let missing: Vec<i64> = {
            let parsed = self.parsed.lock().expect("policy cache lock");
            numbers.iter().copied().filter(|n| !parsed.contains_key(&(*n as u32))).collect()
        };
        for n in missing {
            let Some((source, urgent_reason)) = stored_version(db, n as u32).await? else { continue };
            let mut source =
                document::parse(&source).with_context(|| format!("stored policy version {n} does not parse"))?;
            source.urgent_reason = urgent_reason;
            let sections_html = source.sections.iter().map(|s| super::render::section_html(&s.markdown)).collect();
            let rendered = std::sync::Arc::new(RenderedVersion { source, sections_html });
            self.parsed.lock().expect("policy cache lock").insert(n as u32, rendered);
        }
        let parsed = self.parsed.lock().expect("policy cache lock");
        Ok(numbers.iter().filter_map(|n| parsed.get(&(*n as u32)).cloned()).collect())
    }

    /// Every translation into `lang` in the database (none for English).
    pub async fn translations(&self, db: &AnyPool, lang: Lang) -> anyhow::Result<Translations> {
        if lang == Lang::En {
            return Ok(Translations::new());
        }
        let numbers: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM policy_translations WHERE language = $1 ORDER BY version")
                .bind(lang.tag())
                .fetch_all(db)
                .await?;
        let missing: Vec<i64> = {
            let cached = self.translated.lock().expect("policy cache lock");
            numbers.iter().copied().filter(|n| !cached.contains_key(&(*n as u32, lang.tag()))).collect()
        };
        for n in missing {
            let source: Option<String> =
                sqlx::query_scalar("SELECT source FROM policy_translations WHERE version = $1 AND language = $2")
                    .bind(n)
                    .bind(lang.tag())
                    .fetch_optional(db)
                    .await?;
            let Some(source) = source else { continue };
            let source = document::parse(&source)
                .with_context(|| format!("stored {} translation of policy version {n} does not parse", lang.tag()))?;
            let sections_html = source.sections.iter().map(|s| super::render::section_html(&s.markdown)).collect();
            let rendered = std::sync::Arc::new(RenderedVersion { source, sections_html });
            self.translated.lock().expect("policy cache lock").insert((n as u32, lang.tag()), rendered);
        }
        let cached = self.translated.lock().expect("policy cache lock");
        Ok(numbers.iter().filter_map(|n| cached.get(&(*n as u32, lang.tag())).cloned().map(|v| (*n as u32, v))).collect())
    }
}

/// Every version in the database, oldest first.
pub async fn load(db: impl AnyExecutor<'_>) -> anyhow::Result<Vec<PolicySource>> {
    let rows: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT version, source, urgent_reason FROM policy_versions ORDER BY version")
            .fetch_all(db)
            .await?;
    rows.into_iter()
        .map(|(n, source, urgent_reason)| {
            let mut parsed =
                document::parse(&source).with_context(|| format!("stored policy version {n} does not parse"))?;
            parsed.urgent_reason = urgent_reason;
            Ok(parsed)
        })
        .collect()
}

async fn stored_source(db: impl AnyExecutor<'_>, version: u32) -> sqlx::Result<Option<String>> {
    Ok(stored_version(db, version).await?.map(|(source, _)| source))
}

/// A version's text and its urgent reason, if any.
async fn stored_version(db: impl AnyExecutor<'_>, version: u32) -> sqlx::Result<Option<(String, Option<String>)>> {
    sqlx::query_as("SELECT source, urgent_reason FROM policy_versions WHERE version = $1")
        .bind(i64::from(version))
        .fetch_optional(db)
        .await
}

async fn insert(db: &mut AnyConnection, parsed: &PolicySource, source: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO policy_versions (version, effective_at, material, source, published_at, urgent_reason)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (version) DO NOTHING",
    )
    .bind(i64::from(parsed.version))
    .bind(parsed.effective_at())
    .bind(parsed.material)
    .bind(source)
    .bind(now)
    .bind(parsed.urgent_reason.as_deref())
    .execute(db)
    .await?;
    Ok(())
}

async fn insert_translation(db: &mut AnyConnection, parsed: &PolicySource, source: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO policy_translations (version, language, source, published_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (version, language) DO NOTHING",
    )
    .bind(i64::from(parsed.version))
    .bind(parsed.language.tag())
    .bind(source)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

async fn stored_translation(db: impl AnyExecutor<'_>, version: u32, lang: Lang) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT source FROM policy_translations WHERE version = $1 AND language = $2")
        .bind(i64::from(version))
        .bind(lang.tag())
        .fetch_optional(db)
        .await
}

/// Checks `source` as a translation of a version among `versions` (or of
/// `also`, the version being published with it).
fn checked_translation(
    versions: &[PolicySource],
    also: Option<&PolicySource>,
    source: &str,
) -> Result<PolicySource, PublishError> {
    let parsed = document::parse(source)?;
    if parsed.language == Lang::En {
        return Err(TranslationError::NotATranslation.into());
    }
    let english = versions
        .iter()
        .chain(also)
        .find(|v| v.version == parsed.version)
        .ok_or(TranslationError::NoSuchVersion(parsed.version))?;
    document::check_translation(english, &parsed)?;
    Ok(parsed)
}

/// Brings the versions this release ships into the database: new ones are
/// added; one that differs from what was published is refused, because a
/// published version must never change under the people who accepted it.
pub async fn sync_published(db: &Db, now: i64) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for (name, source) in published::PUBLISHED {
        let parsed = document::parse(source).with_context(|| format!("{name} is not a valid policy version"))?;
        insert(&mut tx, &parsed, source, now).await?;
        let stored = stored_source(&mut *tx, parsed.version).await?.unwrap_or_default();
        if stored != *source {
            anyhow::bail!(
                "{name} (privacy policy version {v}) differs from version {v} as published in this database. \
                 Published versions cannot change: restore the file as it was, and publish the new wording as \
                 version {next} instead.",
                v = parsed.version,
                next = max_version(&mut *tx).await? + 1,
            );
        }
    }
    let versions = load(&mut *tx).await?;
    for (name, source) in published::TRANSLATIONS {
        let parsed = checked_translation(&versions, None, source).with_context(|| format!("{name}"))?;
        insert_translation(&mut tx, &parsed, source, now).await?;
        let stored = stored_translation(&mut *tx, parsed.version, parsed.language).await?.unwrap_or_default();
        if stored != *source {
            anyhow::bail!(
                "{name} (the {lang} translation of privacy policy version {v}) differs from the one published in this \
                 database. Published translations cannot change: restore the file as it was, and correct the wording \
                 in the translation of the next version.",
                lang = parsed.language.tag(),
                v = parsed.version,
            );
        }
    }
    tx.commit().await?;
    Ok(())
}

/// When each version was published (Unix seconds), oldest first.
pub async fn published_at(db: &AnyPool) -> sqlx::Result<Vec<(u32, i64)>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT version, published_at FROM policy_versions ORDER BY version").fetch_all(db).await?;
    Ok(rows.into_iter().map(|(v, at)| (v as u32, at)).collect())
}

async fn max_version(db: impl AnyExecutor<'_>) -> sqlx::Result<u32> {
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM policy_versions").fetch_one(db).await?;
    Ok(max.unwrap_or(0) as u32)
}

/// A version just published, and how many members its notice went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub version: u32,
    pub material: bool,
    /// Members told by e-mail (through the outbox): everyone with an
    /// address for a material version, nobody for a wording-only one.
    pub notified: u64,
    /// The languages it was published in besides English.
    pub translations: Vec<Lang>,
}

/// Publishes a new version from `source`: it must be numbered next and take
/// effect no earlier than today and no earlier than the version before it; a
/// material version at least [`MATERIAL_NOTICE_DAYS`] days ahead. A material
/// version is announced to every member by e-mail, with links under `site`.
pub async fn publish(db: &Db, source: &str, site: &PublicUrl, now: i64) -> Result<Published, PublishError> {
    publish_as(db, source, None, site, now).await
}

/// [`publish`], where `urgent` is the reason an urgent legal change may take
/// effect with less notice than a material change needs. The reason is kept
/// with the version and shown wherever it is, the notices included.
pub async fn publish_as(
    db: &Db,
    source: &str,
    urgent: Option<&str>,
    site: &PublicUrl,
    now: i64,
) -> Result<Published, PublishError> {
    publish_with(db, source, &[], urgent, site, now).await
}

/// [`publish_as`], with translations of the new version published in the
/// same transaction (each checked against it: same number, date,
/// materiality, sections and promises), so members are told in their own
/// language from the first moment.
pub async fn publish_with(
    db: &Db,
    source: &str,
    translations: &[&str],
    urgent: Option<&str>,
    site: &PublicUrl,
    now: i64,
) -> Result<Published, PublishError> {
    let mut parsed = document::parse(source)?;
    let short_notice = parsed.material && parsed.effective < super::earliest_material_date(now);
    match urgent.map(str::trim) {
        None if short_notice => {
            return Err(PublishError::TooSoon {
                version: parsed.version,
                days: MATERIAL_NOTICE_DAYS,
                earliest: super::earliest_material_date(now),
            })
        }
        None => {}
        Some(_) if !short_notice => {
            return Err(PublishError::UrgentNotNeeded { version: parsed.version, days: MATERIAL_NOTICE_DAYS })
        }
        Some(reason) if reason.split_whitespace().count() < 3 => return Err(PublishError::UrgentWithoutReason),
        Some(reason) => parsed.urgent_reason = Some(reason.to_string()),
    }
    // Checked, inserted and announced in one write transaction: two
    // publishers cannot both take the same number, and members are told of
    // a version exactly when it is published.
    let mut tx = db.begin_write().await?;
    let versions = load(&mut *tx).await?;
    let expected = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    if parsed.version != expected {
        return Err(PublishError::NotNext { expected, found: parsed.version });
    }
    if let Some(previous) = versions.iter().max_by_key(|v| v.version) {
        if parsed.effective < previous.effective {
            return Err(PublishError::BeforePrevious {
                version: parsed.version,
                effective: parsed.effective,
                previous: previous.version,
                previous_effective: previous.effective,
            });
        }
    }
    let today = CivilDate::from_unix_days(now.div_euclid(86_400));
    if parsed.effective < today {
        return Err(PublishError::Backdated { version: parsed.version, effective: parsed.effective, today });
    }
    insert(&mut tx, &parsed, source, now).await?;
    let mut languages = Vec::new();
    let mut summaries: Vec<(Lang, String)> = Vec::new();
    for translation in translations {
        let t = checked_translation(&versions, Some(&parsed), translation)?;
        if t.version != parsed.version {
            return Err(TranslationError::Differs {
                version: parsed.version,
                field: "version",
                english: parsed.version.to_string(),
                translated: t.version.to_string(),
            }
            .into());
        }
        if languages.contains(&t.language) {
            return Err(PublishError::TwoTranslations { language: t.language.tag() });
        }
        languages.push(t.language);
        insert_translation(&mut tx, &t, translation, now).await?;
        summaries.push((t.language, t.summary));
    }
    let notified = if parsed.material {
        let change = PolicyChange {
            version: parsed.version,
            effective: parsed.effective,
            summary: &parsed.summary,
            urgent_reason: parsed.urgent_reason.as_deref(),
            in_force: super::current(&versions, now).map(|v| v.version),
        };
        // Each member is told in their language, with the version's one
        // line as its translation says it where there is one.
        let summary_in = |lang: Lang| summaries.iter().find(|(l, _)| *l == lang).map(|(_, s)| s.clone());
        outbox::policy_change_notice_in(&mut tx, &change, site, now, summary_in).await?
    } else {
        0
    };
    tx.commit().await?;
    Ok(Published { version: parsed.version, material: parsed.material, notified, translations: languages })
}

/// Publishes a translation of a version published earlier. English stays
/// the authoritative text; the translation must match its frame (see
/// [`document::check_translation`]) and, once published, never changes.
pub async fn publish_translation(db: &Db, source: &str, now: i64) -> Result<(u32, Lang), PublishError> {
    let mut tx = db.begin_write().await?;
    let versions = load(&mut *tx).await?;
    let parsed = checked_translation(&versions, None, source)?;
    if stored_translation(&mut *tx, parsed.version, parsed.language).await?.is_some() {
        return Err(PublishError::TranslationExists { version: parsed.version, language: parsed.language.tag() });
    }
    insert_translation(&mut tx, &parsed, source, now).await?;
    tx.commit().await?;
    Ok((parsed.version, parsed.language))
}

/// For `--demo`: announces an upcoming version a month ahead, unless a
/// version after the shipped ones exists already (left alone: published
/// versions never change).
pub async fn load_demo_upcoming(db: &Db, site: &PublicUrl, now: i64) -> anyhow::Result<()> {
    if max_version(db.read()).await? as usize > published::PUBLISHED.len() {
        return Ok(());
    }
    let effective = CivilDate::from_unix_days(now.div_euclid(86_400) + 30);
    let source = published::upcoming_demo(effective);
    let translations = published::upcoming_demo_translations(effective);
    let translations: Vec<&str> = translations.iter().map(String::as_str).collect();
    publish_with(db, &source, &translations, None, site, now)
        .await
        .context("publishing the demonstration's upcoming policy version")?;
    Ok(())
}

/// How a member came to accept a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedBy {
    Signup,
    Acknowledged,
}

impl AcceptedBy {
    fn as_str(self) -> &'static str {
        match self {
            AcceptedBy::Signup => "signup",
            AcceptedBy::Acknowledged => "acknowledged",
        }
    }
}

/// Records that `user_id` accepted `version` at `now`.
pub async fn record_acceptance(
    tx: &mut AnyConnection,
    user_id: i64,
    version: u32,
    how: AcceptedBy,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO policy_acceptances (user_id, version, accepted_at, context) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(i64::from(version))
        .bind(now)
        .bind(how.as_str())
        .execute(tx)
        .await?;
    Ok(())
}

/// The newest version the member accepted or acknowledged; for an account
/// without acceptance rows, the version it agreed to at sign-up.
pub async fn acknowledged_version(db: &AnyPool, user_id: i64) -> sqlx::Result<u32> {
    let v: Option<i64> = sqlx::query_scalar(
        "SELECT COALESCE((SELECT MAX(version) FROM policy_acceptances WHERE user_id = $1),
                         (SELECT accepted_policy_version FROM users WHERE id = $1))",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(v.unwrap_or(0) as u32)
}
