//! Spreadsheets: the hazard ledger export, laid out like a form a bureau files (title, unit,
//! date, a header row, one row per hazard). Rendering is CPU work: callers run it off the async
//! runtime.

use app::domain::hazard::HazardSummary;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn status_zh(s: app::domain::hazard::HazardStatus) -> &'static str {
    use app::domain::hazard::HazardStatus::*;
    match s {
        Reported => "待整改",
        Rectifying => "整改中",
        Submitted => "待验收",
        Closed => "已销号",
        Voided => "已作废",
    }
}

/// 隐患排查整改台账 as xlsx bytes.
pub fn ledger(unit: &str, exported_on: &str, rows: &[HazardSummary]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("隐患台账")?;
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let red = Format::new().set_border(FormatBorder::Thin).set_font_color("#B91C1C").set_bold();
    let headers = [
        "序号",
        "学校（幼儿园）",
        "隐患",
        "等级",
        "发现日期",
        "发现人",
        "整改期限",
        "状态",
        "逾期天数",
    ];
    let last = (headers.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, "隐患排查整改台账", &title)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("填报单位：{unit}　　导出日期：{exported_on}"),
        &Format::new(),
    )?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(2, c as u16, *h, &head)?;
    }
    for (i, h) in rows.iter().enumerate() {
        let r = (i + 3) as u32;
        ws.write_with_format(r, 0, (i + 1) as u32, &cell)?;
        ws.write_with_format(r, 1, &h.school_name, &cell)?;
        ws.write_with_format(r, 2, &h.title, &cell)?;
        let major = h.level == app::domain::hazard::HazardLevel::Major;
        ws.write_with_format(
            r,
            3,
            if major { "重大" } else { "一般" },
            if major { &red } else { &cell },
        )?;
        ws.write_with_format(r, 4, h.found_on.to_string(), &cell)?;
        ws.write_with_format(r, 5, &h.reporter_name, &cell)?;
        ws.write_with_format(r, 6, h.deadline.to_string(), &cell)?;
        ws.write_with_format(r, 7, status_zh(h.status), &cell)?;
        match h.overdue_days {
            Some(d) => ws.write_with_format(r, 8, d as u32, &red)?,
            None => ws.write_with_format(r, 8, "", &cell)?,
        };
    }
    for (c, w) in [6.0, 24.0, 36.0, 8.0, 12.0, 10.0, 12.0, 10.0, 10.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(3, 0)?;
    wb.save_to_buffer()
}

/// The columns of table 1 after 类别, in order: (header group, column header). A group of one
/// column spans both header rows.
pub const HAZARD_COLUMNS: [(&str, &str); 15] = [
    ("已检查单位（所）", ""),
    ("检查次数", "自查"),
    ("检查次数", "督查"),
    ("检查次数", "暗查暗访"),
    ("期初未销号隐患（项）", ""),
    ("排查隐患（项）", "一般"),
    ("排查隐患（项）", "重大"),
    ("排查隐患（项）", "小计"),
    ("已整改（项）", ""),
    ("已销号（项）", ""),
    ("已作废（项）", ""),
    ("期末未销号隐患（项）", ""),
    ("销号率（%）", ""),
    ("逾期未销号（项）", ""),
    ("落实整改资金（元）", ""),
];

/// Table 1's numbers for one row, in the order of [`HAZARD_COLUMNS`] (the rate as a number or
/// empty, funds in yuan).
pub fn hazard_cells(s: &app::domain::report::HazardStats) -> [Option<f64>; 15] {
    let n = |v: i64| Some(v as f64);
    [
        n(s.inspected),
        n(s.self_checks),
        n(s.supervisions),
        n(s.unannounced),
        n(s.open_at_start),
        n(s.found_general),
        n(s.found_major),
        n(s.found()),
        n(s.rectified),
        n(s.closed),
        n(s.voided),
        n(s.open_at_end),
        s.closure_rate(),
        n(s.overdue_open),
        Some(s.funds_cents as f64 / 100.0),
    ]
}

/// "第3期（2026年11月23日至12月2日）" or "累计（2026年11月3日至11月28日）".
pub fn span_label(h: &app::domain::report::TableHeader) -> String {
    use app::domain::time::long_date;
    let days = format!("{}至{}", long_date(h.window.from), long_date(h.window.last_day()));
    match h.period {
        Some(n) => format!("第{n}期（{days}）"),
        None => format!("累计（{days}）"),
    }
}

struct Formats {
    title: Format,
    head: Format,
    cell: Format,
    number: Format,
    rate: Format,
    money: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
        Formats {
            title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
            head: border.clone().set_bold().set_text_wrap().set_align(FormatAlign::VerticalCenter),
            cell: border.clone(),
            number: border.clone().set_num_format("0"),
            rate: border.clone().set_num_format("0.0"),
            money: border.set_num_format("0.00"),
        }
    }
}

/// Title, unit and period lines above a table `width` columns wide.
fn form_head(
    ws: &mut rust_xlsxwriter::Worksheet,
    f: &Formats,
    title: &str,
    h: &app::domain::report::TableHeader,
    width: u16,
) -> Result<(), XlsxError> {
    ws.merge_range(0, 0, 0, width - 1, title, &f.title)?;
    ws.merge_range(
        1,
        0,
        1,
        width - 1,
        &format!(
            "填报单位：{}　　专项行动：{}　　统计时段：{}",
            h.unit,
            h.campaign_name,
            span_label(h)
        ),
        &Format::new(),
    )?;
    ws.set_row_height(0, 28)?;
    Ok(())
}

/// Preparer and date under the table.
fn form_foot(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    preparer: &str,
    h: &app::domain::report::TableHeader,
) -> Result<(), XlsxError> {
    ws.write(row + 1, 0, format!("填表人：{preparer}"))?;
    ws.write(row + 1, 4, format!("填表日期：{}", app::domain::time::long_date(h.generated_on)))?;
    Ok(())
}

/// Headers in rows 2–3: each group merged across its columns; a column without a sub-header
/// spans both rows.
fn two_row_headers(
    ws: &mut rust_xlsxwriter::Worksheet,
    f: &Formats,
    cols: &[(String, String)],
) -> Result<(), XlsxError> {
    ws.merge_range(2, 0, 3, 0, "类别", &f.head)?;
    let mut c = 0;
    while c < cols.len() {
        let (group, sub) = &cols[c];
        let col = (c + 1) as u16;
        if sub.is_empty() {
            ws.merge_range(2, col, 3, col, group, &f.head)?;
            c += 1;
            continue;
        }
        let span = cols[c..].iter().take_while(|(g, s)| g == group && !s.is_empty()).count();
        let last = col + span as u16 - 1;
        if span > 1 {
            ws.merge_range(2, col, 2, last, group, &f.head)?;
        } else {
            ws.write_with_format(2, col, group, &f.head)?;
        }
        for (i, (_, s)) in cols[c..c + span].iter().enumerate() {
            ws.write_with_format(3, col + i as u16, s, &f.head)?;
        }
        c += span;
    }
    ws.set_row_height(2, 32)?;
    ws.set_row_height(3, 32)?;
    Ok(())
}

/// The statistical tables (attachments 1–3 of the notice), one sheet each: title, unit, period,
/// two header rows with merged groups, rows 学校 / 幼儿园 / 合计 from row 5, preparer and date
/// underneath. Table 1 when given, then each kind table (2: measures, 3: actions).
pub fn report_tables(
    t1: Option<&app::domain::report::HazardTable>,
    kinds: &[&app::domain::report::KindTable],
    preparer: &str,
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    if let Some(t1) = t1 {
        hazard_sheet(&mut wb, &f, t1, preparer)?;
    }
    for t in kinds {
        kind_sheet(&mut wb, &f, t, preparer)?;
    }
    wb.save_to_buffer()
}

fn hazard_sheet(
    wb: &mut Workbook,
    f: &Formats,
    t1: &app::domain::report::HazardTable,
    preparer: &str,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("隐患排查整改销号统计表")?;
    let cols: Vec<(String, String)> =
        HAZARD_COLUMNS.iter().map(|(g, s)| ((*g).to_owned(), (*s).to_owned())).collect();
    let width = cols.len() as u16 + 1;
    form_head(ws, f, "隐患排查整改销号统计表", &t1.header, width)?;
    two_row_headers(ws, f, &cols)?;
    for (i, row) in t1.rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_with_format(r, 0, &row.name, &f.head)?;
        for (c, v) in hazard_cells(&row.stats).iter().enumerate() {
            let col = c as u16 + 1;
            let fmt = match c {
                12 => &f.rate,
                14 => &f.money,
                _ => &f.number,
            };
            match v {
                Some(v) => ws.write_with_format(r, col, *v, fmt)?,
                None => ws.write_with_format(r, col, "—", &f.cell)?,
            };
        }
    }
    ws.set_column_width(0, 10)?;
    for c in 1..width {
        ws.set_column_width(c, 11)?;
    }
    form_foot(ws, 4 + t1.rows.len() as u32, preparer, &t1.header)
}

fn kind_sheet(
    wb: &mut Workbook,
    f: &Formats,
    t: &app::domain::report::KindTable,
    preparer: &str,
) -> Result<(), XlsxError> {
    let (title, persons) = if t.category == "action" {
        ("责任追究统计表", true)
    } else {
        ("行政强制措施统计表", false)
    };
    {
        let ws = wb.add_worksheet();
        ws.set_name(title)?;
        let group = if persons { "责任追究方式（次）" } else { "措施类别（次）" };
        let mut cols: Vec<(String, String)> =
            t.kinds.iter().map(|k| (group.to_owned(), k.clone())).collect();
        cols.push(("合计（次）".into(), String::new()));
        if persons {
            cols.push(("涉及人员（人）".into(), String::new()));
        }
        cols.push(("涉及单位（所）".into(), String::new()));
        let width = cols.len() as u16 + 1;
        form_head(ws, f, title, &t.header, width)?;
        two_row_headers(ws, f, &cols)?;
        for (i, row) in t.rows.iter().enumerate() {
            let r = 4 + i as u32;
            ws.write_with_format(r, 0, &row.name, &f.head)?;
            let mut values: Vec<i64> = row.stats.by_kind.clone();
            values.resize(t.kinds.len(), 0);
            values.push(row.stats.total);
            if persons {
                values.push(row.stats.persons);
            }
            values.push(row.stats.institutions);
            for (c, v) in values.iter().enumerate() {
                ws.write_with_format(r, c as u16 + 1, *v as f64, &f.number)?;
            }
        }
        ws.set_column_width(0, 10)?;
        for c in 1..width {
            ws.set_column_width(c, 12)?;
        }
        form_foot(ws, 4 + t.rows.len() as u32, preparer, &t.header)
    }
}
