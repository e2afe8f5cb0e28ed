//! Indexes for keyset paging: each long list's filter columns followed by its whole sort key,
//! ending in the id, so that a page "after this row" is a range read of one index with no sort
//! (audit log, payments, the client list; the outbox and Manage Clients had theirs already).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, index replaced, new index, its columns).
const INDEXES: [(&str, &str, &str, &[&str]); 4] = [
    (
        "audit_log",
        "ix_audit_org_at",
        "ix_audit_org_at_id",
        &["organization_id", "at", "id"],
    ),
    (
        "audit_log",
        "ix_audit_org_object_at",
        "ix_audit_org_object_at_id",
        &["organization_id", "object", "at", "id"],
    ),
    (
        "payments",
        "ix_payments_org_created",
        "ix_payments_org_created_id",
        &["organization_id", "created_at", "id"],
    ),
    (
        "clients",
        "ix_clients_org_name",
        "ix_clients_org_name_id",
        &["organization_id", "last_name", "first_name", "id"],
    ),
];

fn create(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table));
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, old, new, cols) in INDEXES {
            m.create_index(create(table, new, cols)).await?;
            m.drop_index(Index::drop().name(old).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, old, new, cols) in INDEXES {
            m.create_index(create(table, old, &cols[..cols.len() - 1]))
                .await?;
            m.drop_index(Index::drop().name(new).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
