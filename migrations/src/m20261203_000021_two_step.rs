//! Two-step sign-in for staff (TOTP, RFC 6238): a staff member's sealed secret and the last time
//! step a code was accepted at (a code works once), their one-time recovery codes (hashed), the
//! sign-ins waiting for their second step, and the organization's "Require two-step
//! verification for staff" switch.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(text_null("totp_secret"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("staff_users")
                .add_column(big_integer_null("totp_last_step"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(boolean("require_two_step").default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(pk_auto("id"))
                .col(integer("staff_user_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("recovery_codes", "staff_user_id")
                        .to("staff_users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_recovery_codes_staff")
                .table("recovery_codes")
                .col("staff_user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("two_step_challenges")
                .col(string("token_hash").primary_key())
                .col(integer("staff_user_id"))
                // `verify` (enrolled) or `enrol` (enrolling: the pending secret is sealed here).
                .col(string("purpose"))
                .col(text_null("pending_secret"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("two_step_challenges", "staff_user_id")
                        .to("staff_users", "id"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("two_step_challenges").to_owned())
            .await?;
        m.drop_table(Table::drop().table("recovery_codes").to_owned())
            .await?;
        for (table, column) in [
            ("organizations", "require_two_step"),
            ("staff_users", "totp_last_step"),
            ("staff_users", "totp_secret"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
