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
