//! Sub-queries as values, so that one statement can read several counts at once (the portal
//! home's agenda, the admin bar's badges).

use sea_orm::sea_query::{Expr, Func, SelectStatement, SimpleExpr};

/// The single value `query` selects, as an expression.
pub fn value(query: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(query.into()))
}

/// The count or sum `query` selects, or 0 when it selects nothing (a sum of no rows).
pub fn or_zero(query: SelectStatement) -> SimpleExpr {
    Func::coalesce([value(query), Expr::val(0i64)]).into()
}
