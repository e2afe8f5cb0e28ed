//! A tamper-evident audit log: each entry stores the SHA-256 of its content chained to the
//! previous entry of its organization (`prev_hash`, `hash`; computed by the app, which also
//! seals the entries written before this migration). On PostgreSQL a trigger refuses UPDATE,
//! DELETE and TRUNCATE on the table, except the one update that seals an unsealed entry without
//! changing it. SQLite has no such trigger: there `server audit verify` is the defence.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPEND_ONLY: &str = r#"
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND (NEW.id, NEW.organization_id, NEW.actor, NEW.action, NEW.object, NEW.old_value,
            NEW.new_value, NEW.at, NEW.ip)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.organization_id, OLD.actor, OLD.action, OLD.object, OLD.old_value,
            OLD.new_value, OLD.at, OLD.ip) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["prev_hash", "hash"] {
            m.alter_table(
                Table::alter()
                    .table("audit_log")
                    .add_column(string_null(column))
                    .to_owned(),
            )
            .await?;
        }
        // The chain's tail of an organization is its entry with the highest id.
        m.create_index(
            Index::create()
                .name("ix_audit_org_id")
                .table("audit_log")
                .col("organization_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(APPEND_ONLY).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log; \
                     DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log; \
                     DROP FUNCTION IF EXISTS audit_log_append_only();",
                )
                .await?;
        }
        m.drop_index(
            Index::drop()
                .name("ix_audit_org_id")
                .table("audit_log")
                .to_owned(),
        )
        .await?;
        for column in ["hash", "prev_hash"] {
            m.alter_table(
                Table::alter()
                    .table("audit_log")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
