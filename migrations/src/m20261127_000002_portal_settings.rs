//! Client Portal Settings: the organization's card-processing status, one row per organization
//! setting (so concurrent changes to different settings never overwrite each other), and one
//! row per setting an administrator turned off for a client.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organizations")
                // `sandbox` or `stripe` when credit-card processing is enabled; null when it is not.
                .add_column(string_null("card_processor"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("organization_settings")
                .col(integer("organization_id"))
                .col(string("setting"))
                .col(boolean("enabled"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("organization_id").col("setting"))
                .foreign_key(
                    ForeignKey::create()
                        .from("organization_settings", "organization_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("client_setting_overrides")
                .col(integer("client_id"))
                .col(string("setting"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("client_id").col("setting"))
                .foreign_key(
                    ForeignKey::create()
                        .from("client_setting_overrides", "client_id")
                        .to("clients", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_org_object_at")
                .table("audit_log")
                .col("organization_id")
                .col("object")
                .col("at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_audit_org_object_at")
                .table("audit_log")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("client_setting_overrides").to_owned())
            .await?;
        m.drop_table(Table::drop().table("organization_settings").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("organizations")
                .drop_column("card_processor")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
