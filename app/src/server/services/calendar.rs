//! The staff calendar: a therapist's week, day or month of appointments and requests (series
//! marked), or, for administrators, every therapist's day side by side; filtered by location.
//! Administrators may look at any therapist of the organization, others at themselves. A fixed
//! number of queries whatever the number of appointments.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::calendar::{
    Calendar, CalendarDay, CalendarItem, CalendarQuery, CalendarSpan, StaffColumn,
};
use crate::domain::series::local_start;
use crate::error::AppError;
use crate::server::access::context::Ctx;
use crate::server::store;
use crate::server::store::bookings::HOLDING;
use crate::server::store::entities::{booking, staff_user};
use crate::server::store::refs::Ref;

/// The calendar `query` asks for, as of `now`.
pub async fn view(
    ctx: &Ctx,
    query: &CalendarQuery,
    now: DateTime<Utc>,
) -> Result<Calendar, AppError> {
    let staff = ctx.staff().await?;
    let db = ctx.db();
    let choices: Vec<(i32, String)> = if staff.is_admin {
        staff_user::Entity::find()
            .filter(staff_user::Column::OrganizationId.eq(staff.organization_id))
            .filter(staff_user::Column::IsTherapist.eq(true))
            .order_by_asc(staff_user::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect()
    } else {
        vec![(staff.id, staff.name.clone())]
    };
    let all = query.staff == "all";
    let shown: Vec<(i32, String)> = if all {
        if !staff.is_admin {
            return Err(ctx
                .deny(
                    Ref::Staff(staff.id).area("calendar:all"),
                    AppError::Forbidden,
                )
                .await);
        }
        choices.clone()
    } else {
        let chosen = query.staff.parse::<i32>().unwrap_or(staff.id);
        match choices.iter().find(|(id, _)| *id == chosen) {
            Some(one) => vec![one.clone()],
            None => {
                return Err(ctx
                    .deny(Ref::Staff(chosen).area("calendar"), AppError::NotFound)
                    .await)
            }
        }
    };
    // Every therapist side by side is one day.
    let span = if all { CalendarSpan::Day } else { query.span };
    let tz = ctx.organization().await?.zone();
    let date = NaiveDate::parse_from_str(query.date.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| now.with_timezone(&tz).date_naive());
    let (first, last) = span.range(date);
    let anchor = match span {
        CalendarSpan::Week => first,
        CalendarSpan::Day => date,
        CalendarSpan::Month => chrono::Datelike::with_day(&date, 1).unwrap_or(date),
    };
    let locations: Vec<(i32, String)> = store::locations::active_list(db, staff.organization_id)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    // Midnight, or the first instant of a day that starts in the clocks' gap.
    let at = |d: NaiveDate| {
        local_start(&tz, d, NaiveTime::MIN)
            .or_else(|| local_start(&tz, d, NaiveTime::MIN + Duration::hours(1)))
            .unwrap_or_default()
    };
    let mut rows = booking::Entity::find()
        .filter(booking::Column::StaffId.is_in(shown.iter().map(|(id, _)| *id)))
        .filter(booking::Column::Status.is_in(HOLDING))
        .filter(booking::Column::StartsAt.gte(at(first)))
        .filter(booking::Column::StartsAt.lt(at(last + Duration::days(1))));
    let location = match query.location.as_str() {
        "telehealth" => {
            rows = rows.filter(booking::Column::LocationId.is_null());
            "telehealth".to_owned()
        }
        other => match other.parse::<i32>() {
            Ok(id) if locations.iter().any(|(l, _)| *l == id) => {
                rows = rows.filter(booking::Column::LocationId.eq(id));
                id.to_string()
            }
            _ => String::new(),
        },
    };
    let rows = rows.order_by_asc(booking::Column::StartsAt).all(db).await?;
    let clients = store::clients::by_ids(db, rows.iter().map(|r| r.client_id)).await?;
    let item = |row: &booking::Model| {
        let (s, e) = (
            row.starts_at.with_timezone(&tz),
            row.ends_at.with_timezone(&tz),
        );
        CalendarItem {
            id: row.id,
            client_id: row.client_id,
            client_name: clients
                .get(&row.client_id)
                .map(|c| c.full_name())
                .unwrap_or_default(),
            time: format!("{}–{}", s.format("%H:%M"), e.format("%H:%M")),
            status: row.status,
            service: row.service.clone(),
            last_minute: row.last_minute,
            series: row.series_id.is_some(),
        }
    };
    let (mut days, mut columns) = (Vec::new(), Vec::new());
    if all {
        columns = shown
            .iter()
            .map(|(id, name)| StaffColumn {
                staff_id: *id,
                staff_name: name.clone(),
                items: rows
                    .iter()
                    .filter(|r| r.staff_id == *id)
                    .map(item)
                    .collect(),
            })
            .collect();
    } else {
        days = first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| CalendarDay {
                date: d,
                label: d.format("%A %-d %B").to_string(),
                outside: span == CalendarSpan::Month
                    && chrono::Datelike::month(&d) != chrono::Datelike::month(&anchor),
                items: Vec::new(),
            })
            .collect();
        for row in &rows {
            let local = row.starts_at.with_timezone(&tz).date_naive();
            let index = (local - first).num_days().clamp(0, days.len() as i64 - 1) as usize;
            days[index].items.push(item(row));
        }
    }
    let (staff_id, staff_name) = match shown.as_slice() {
        [(id, name)] if !all => (Some(*id), name.clone()),
        _ => (None, "All therapists".to_owned()),
    };
    Ok(Calendar {
        span,
        anchor,
        staff_id,
        staff_name,
        staff_choices: choices,
        locations,
        location,
        days,
        columns,
        time_zone: tz.name().to_owned(),
    })
}
