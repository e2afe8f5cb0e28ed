//! Fast client search and Manage Clients over 100,000 clients: a lower-cased last name for
//! prefix search, and a flag for clients who use the portal (their own login or a contact's),
//! each with an index that serves the query's filter and order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("clients")
                .add_column(
                    ColumnDef::new("last_name_key")
                        .string()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("clients")
                .add_column(
                    ColumnDef::new("uses_portal")
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("UPDATE clients SET last_name_key = LOWER(last_name)")
            .await?;
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            // Byte order, as on SQLite: a name prefix is then exactly one index range.
            db.execute_unprepared(
                r#"ALTER TABLE clients ALTER COLUMN search_name TYPE varchar COLLATE "C", ALTER COLUMN last_name_key TYPE varchar COLLATE "C""#,
            )
            .await?;
        }
        db.execute_unprepared(
            "UPDATE clients SET uses_portal = TRUE WHERE id IN (SELECT client_id FROM portal_accounts WHERE client_id IS NOT NULL) \
             OR id IN (SELECT l.client_id FROM client_contact_links l JOIN portal_accounts p ON p.contact_id = l.contact_id)",
        )
        .await?;
        for (name, cols) in [
            (
                "ix_clients_org_last_key",
                vec!["organization_id", "last_name_key"],
            ),
            (
                "ix_clients_org_portal_name",
                vec![
                    "organization_id",
                    "uses_portal",
                    "last_name",
                    "first_name",
                    "id",
                ],
            ),
            (
                "ix_clients_org_portal_last_key",
                vec!["organization_id", "uses_portal", "last_name_key"],
            ),
            (
                "ix_clients_org_portal_search",
                vec!["organization_id", "uses_portal", "search_name"],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("clients");
            for col in cols {
                index.col(col);
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_clients_org_last_key",
            "ix_clients_org_portal_name",
            "ix_clients_org_portal_last_key",
            "ix_clients_org_portal_search",
        ] {
            m.drop_index(Index::drop().name(name).table("clients").to_owned())
                .await?;
        }
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(r#"ALTER TABLE clients ALTER COLUMN search_name TYPE varchar COLLATE "default""#)
                .await?;
        }
        for col in ["uses_portal", "last_name_key"] {
            m.alter_table(Table::alter().table("clients").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
