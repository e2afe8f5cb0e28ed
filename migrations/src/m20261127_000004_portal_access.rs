//! Portal access: scopes and an optional end date on each client–contact link, single-use
//! links (invitations and password resets, stored only as a SHA-256 of the token), and the
//! email outbox that holds every message when no SMTP server is configured.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns added to `client_contact_links`; SQLite adds one column per statement.
const LINK_FLAGS: [&str; 5] = [
    "portal_access",
    "scope_forms",
    "scope_payments",
    "scope_scheduling",
    "scope_messages",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for flag in LINK_FLAGS {
            m.alter_table(
                Table::alter()
                    .table("client_contact_links")
                    .add_column(boolean(flag).default(false))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("client_contact_links")
                // The last day of access, in the organization's time zone; null for no end.
                .add_column(date_null("access_ends_on"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("portal_links")
                .col(pk_auto("id"))
                .col(string_uniq("token_hash"))
                // `invitation` or `password_reset`.
                .col(string("purpose"))
                .col(integer("organization_id"))
                .col(string("email"))
                .col(string("name"))
                .col(integer_null("client_id"))
                .col(integer_null("contact_id"))
                .col(integer_null("portal_account_id"))
                .col(integer_null("staff_user_id"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("portal_links", "organization_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_portal_links_client", "client_id"),
            ("ix_portal_links_contact", "contact_id"),
            ("ix_portal_links_email", "email"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table("portal_links")
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table("outbox")
                .col(pk_auto("id"))
                .col(integer_null("organization_id"))
                .col(string("recipient"))
                .col(string("subject"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_org")
                .table("outbox")
                .col("organization_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("outbox").to_owned())
            .await?;
        m.drop_table(Table::drop().table("portal_links").to_owned())
            .await?;
        for col in LINK_FLAGS.iter().copied().chain(["access_ends_on"]) {
            m.alter_table(
                Table::alter()
                    .table("client_contact_links")
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
