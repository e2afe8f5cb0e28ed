//! Keyset pages of any filtered list: a capped count, the row the page starts from, and one page
//! of rows, three statements whatever the page or the size of the list. The rows are ordered by
//! a key of columns that ends in the unique id; the next page starts after its last row's key and
//! the previous one before its first row's key (a row-value comparison, on SQLite and PostgreSQL).

use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoSimpleExpr, ModelTrait, Order,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Value,
};

use crate::domain::paging::{Count, PageAt, Paging, COUNT_CAP};

/// How a list is ordered: its key columns, most significant first and ending in the id, all in
/// one direction.
pub struct Keyset<C> {
    pub key: Vec<C>,
    pub descending: bool,
    pub per_page: u64,
}

impl<C: ColumnTrait> Keyset<C> {
    /// Ordered by `key` (ending in the id), newest or highest first when `descending`.
    pub fn new(key: Vec<C>, descending: bool, per_page: u64) -> Self {
        Keyset {
            key,
            descending,
            per_page,
        }
    }

    fn id(&self) -> C {
        *self.key.last().expect("a keyset ends in the id column")
    }

    /// The page of `base` (already filtered to what the caller may see) that starts `at`.
    pub async fn page<E>(
        &self,
        db: &impl ConnectionTrait,
        base: Select<E>,
        at: PageAt,
    ) -> Result<(Vec<E::Model>, Paging), DbErr>
    where
        E: EntityTrait<Column = C>,
    {
        let count = capped_count(db, base.clone()).await?;
        let cursor = match at {
            PageAt::First => None,
            PageAt::After(id) | PageAt::Before(id) => {
                // The cursor row must be in the list: a stale or foreign id starts at the top.
                let row = base.clone().filter(self.id().eq(id)).one(db).await?;
                row.map(|row| (at, self.key.iter().map(|c| row.get(*c)).collect::<Vec<_>>()))
            }
        };
        let Some((at, values)) = cursor else {
            return self.first(db, base, count).await;
        };
        let forward = matches!(at, PageAt::After(_));
        // Going forward in a descending list means smaller keys, and so on.
        let smaller = forward == self.descending;
        let row = Expr::tuple(self.key.iter().map(|c| c.into_simple_expr()));
        let mark = Expr::tuple(values.into_iter().map(|v: Value| Expr::val(v)));
        let beyond: SimpleExpr = if smaller { row.lt(mark) } else { row.gt(mark) };
        let rows = self
            .ordered(base.clone().filter(beyond), forward)
            .limit(self.per_page + 1)
            .all(db)
            .await?;
        let more = rows.len() as u64 > self.per_page;
        if !forward && !more {
            // Back at the top: show the first page whole rather than a short one.
            return self.first(db, base, count).await;
        }
        let mut rows = rows;
        rows.truncate(self.per_page as usize);
        if !forward {
            rows.reverse();
        }
        let (first, last) = (
            rows.first().map(|r| self.id_of(r)),
            rows.last().map(|r| self.id_of(r)),
        );
        let paging = Paging {
            previous: match (forward, first) {
                (true, Some(id)) => Some(PageAt::Before(id)),
                (true, None) => Some(PageAt::First),
                (false, id) => id.map(PageAt::Before),
            },
            next: match (forward, last) {
                (true, id) if more => id.map(PageAt::After),
                (true, _) => None,
                (false, id) => id.map(PageAt::After),
            },
            count,
        };
        Ok((rows, paging))
    }

    async fn first<E>(
        &self,
        db: &impl ConnectionTrait,
        base: Select<E>,
        count: Count,
    ) -> Result<(Vec<E::Model>, Paging), DbErr>
    where
        E: EntityTrait<Column = C>,
    {
        let mut rows = self
            .ordered(base, true)
            .limit(self.per_page + 1)
            .all(db)
            .await?;
        let more = rows.len() as u64 > self.per_page;
        rows.truncate(self.per_page as usize);
        let next = more
            .then(|| rows.last().map(|r| PageAt::After(self.id_of(r))))
            .flatten();
        Ok((
            rows,
            Paging {
                previous: None,
                next,
                count,
            },
        ))
    }

    /// `select` in list order (`forward`) or reversed.
    fn ordered<E: EntityTrait<Column = C>>(&self, select: Select<E>, forward: bool) -> Select<E> {
        let order = if forward != self.descending {
            Order::Asc
        } else {
            Order::Desc
        };
        self.key
            .iter()
            .fold(select, |s, c| s.order_by(*c, order.clone()))
    }

    fn id_of<M: ModelTrait>(&self, row: &M) -> i64
    where
        M::Entity: EntityTrait<Column = C>,
    {
        match row.get(self.id()) {
            Value::Int(Some(id)) => id.into(),
            Value::BigInt(Some(id)) => id,
            other => unreachable!("a keyset's id column holds an integer, found {other:?}"),
        }
    }
}

/// How many rows `select` finds, counting no further than [`COUNT_CAP`] + 1.
pub async fn capped_count<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Count, DbErr> {
    let counted = select
        .select_only()
        .expr(Expr::val(1))
        .limit(COUNT_CAP + 1)
        .into_query();
    let query = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .from_subquery(counted, "capped")
        .to_owned();
    let n: i64 = match db.query_one(&query).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(Count::of(u64::try_from(n).unwrap_or(0)))
}
