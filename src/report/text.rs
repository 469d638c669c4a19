//! The report's numbers and findings as a person reads them, Chinese first: money
//! with thousands separators (`¥12,345.67`), shares as percentages with one
//! decimal, scores with two, each indicator in its own unit, each warning as a
//! sentence. The HTML page and the console examples use the same words; JSON keeps
//! the exact values.
//!
//! ```
//! use guided_community::pools::Fen;
//! use guided_community::report::text;
//! use rust_decimal::Decimal;
//!
//! assert_eq!(text::yuan(Fen::new(12_345_67)), "¥12,345.67");
//! assert_eq!(text::percent(Decimal::new(6712, 4)), "67.1%");
//! assert_eq!(text::score(Decimal::new(259_410, 4)), "25.94");
//! assert_eq!(text::count(1, "household", "households"), "1 household");
//! assert_eq!(text::count(1_200, "household", "households"), "1,200 households");
//! ```

use rust_decimal::{Decimal, RoundingStrategy};

use super::{PublicityReport, Warning};
use allocation_pools::Fen;
use governance_metrics as metrics;

/// Halves round away from zero, as people round (not to even).
const HALF_UP: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// `¥12,345.67`.
pub fn yuan(fen: Fen) -> String {
    let fen = fen.get();
    format!("¥{}.{:02}", grouped(fen / 100), fen % 100)
}

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let whole = n.to_string();
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal number with its whole part grouped: `1622.5` → `1,622.5`.
pub fn grouped_decimal(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    let (whole, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(w, f)| (w, Some(f)));
    match whole.parse::<u64>() {
        Ok(n) => match fraction {
            Some(f) => format!("{sign}{}.{f}", grouped(n)),
            None => format!("{sign}{}", grouped(n)),
        },
        Err(_) => text.to_owned(),
    }
}

/// `n` and the noun, singular for one: `1 household`, `1,200 households`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// A share (`0.6712`) as a percentage with one decimal (`67.1%`).
pub fn percent(ratio: Decimal) -> String {
    ratio.checked_mul(Decimal::ONE_HUNDRED).map_or_else(
        || "—".to_owned(),
        |p| format!("{:.1}%", p.round_dp_with_strategy(1, HALF_UP)),
    )
}

/// A needs score with two decimals: `25.94`.
pub fn score(score: Decimal) -> String {
    two_decimals(score)
}

/// A coefficient or ratio with two decimals, halves rounded up: `0.88`.
pub fn two_decimals(value: Decimal) -> String {
    format!("{:.2}", value.round_dp_with_strategy(2, HALF_UP))
}

/// An index (Gini, Theil) with three decimals, halves rounded up: `0.876`.
pub fn three_decimals(value: Decimal) -> String {
    format!("{:.3}", value.round_dp_with_strategy(3, HALF_UP))
}

/// An indicator's value in its own unit: shares as percentages, counts and
/// days with two decimals.
pub fn indicator_value(name: &str, value: Decimal) -> String {
    match name {
        "proposals_per_100_households" | "benefit_per_cost" | "satisfaction_difference" => {
            two_decimals(value)
        }
        "resolution_cycle_days" => {
            format!("{:.1} 天 days", value.round_dp_with_strategy(1, HALF_UP))
        }
        _ => percent(value),
    }
}

/// An indicator's name, Chinese first: `参与率 participation rate`.
pub fn indicator_label(name: &str) -> String {
    let (zh, en) = indicator_words(name);
    if zh.is_empty() {
        en
    } else {
        format!("{zh} {en}")
    }
}

/// An indicator's name in its two languages: `("参与率", "participation rate")`
/// (no Chinese for an indicator this version does not know).
pub fn indicator_words(name: &str) -> (&'static str, String) {
    let zh = match name {
        "participation_rate" => "参与率",
        "proposals_per_100_households" => "每百户提案数",
        "mismatch_rate" => "资源错配率",
        "complaint_rate" => "投诉率",
        "satisfaction_difference" => "满意度差异系数",
        "utilisation" => "资源利用率",
        "resolution_cycle_days" => "解决周期",
        "leader_growth_per_year" => "骨干年增长率",
        "benefit_per_cost" => "成本收益比",
        _ => "",
    };
    let en = name.replace('_', " ");
    let en = en.strip_suffix(" days").unwrap_or(&en).to_owned();
    (zh, en)
}

/// A group's label with the default labels, Chinese first: `独居老人 Seniors
/// living alone`. A report's own labels are in [`PublicityReport::labels`].
pub fn group_label(group: &str) -> String {
    labelled(&super::Labels::default().group(group))
}

/// A label as one line of text, each word once.
fn labelled(label: &super::Label) -> String {
    if label.zh == label.en {
        label.zh.clone()
    } else {
        format!("{} {}", label.zh, label.en)
    }
}

/// A spending line's name: the service line's, or the household grants.
pub fn line_label(report: &PublicityReport, id: &str) -> String {
    if id == crate::GRANTS_LINE {
        return "住户补助 Household grants".to_owned();
    }
    report
        .before
        .service_lines
        .iter()
        .find(|l| l.id == id)
        .map_or_else(|| id.to_owned(), |l| l.name.clone())
}

/// A warning as one sentence, Chinese first.
pub fn warning(report: &PublicityReport, w: &Warning) -> String {
    match w {
        Warning::Early(metrics::EarlyWarning::ParticipationFalling { drops, .. }) => {
            format!("参与率连续下降 {drops} 次 Participation fell {drops} times in a row")
        }
        Warning::Early(metrics::EarlyWarning::SatisfactionLow {
            satisfaction,
            floor,
            ..
        }) => format!(
            "满意度 {} 低于 {} Satisfaction {} is below the floor of {}: start a PDCA cycle",
            percent(*satisfaction),
            percent(*floor),
            percent(*satisfaction),
            percent(*floor)
        ),
        Warning::Early(metrics::EarlyWarning::UnfairAllocationComplaints {
            complaints,
            threshold,
            ..
        }) => format!(
            "分配不公投诉 {complaints} 件 {complaints} complaints about unfair allocation (threshold {threshold})"
        ),
        Warning::Early(_) => "预警 An early warning".to_owned(),
        Warning::Capture {
            group,
            flag,
            to_need,
        } => {
            let what = match flag {
                metrics::CaptureFlag::Captures => "精英俘获 elite capture",
                metrics::CaptureFlag::Neglected => "被忽视 left out",
                metrics::CaptureFlag::Fair => "公平 fair",
            };
            format!(
                "{}: {what} (补助占比 ÷ 需求占比 share of grants ÷ share of need = {})",
                labelled(&report.labels.group(group)),
                to_need.map_or_else(|| "—".to_owned(), two_decimals)
            )
        }
        Warning::TargetMissed { indicator, value } => {
            let target = report
                .after
                .indicators
                .iter()
                .find(|i| i.name == *indicator)
                .and_then(|i| i.target.as_ref())
                .map(|t| {
                    let sign = match t.comparison {
                        metrics::Comparison::Above => ">",
                        metrics::Comparison::Below => "<",
                    };
                    format!(
                        ", 目标 target {sign} {}",
                        indicator_value(indicator, t.value)
                    )
                })
                .unwrap_or_default();
            format!(
                "{} 未达标 missed its target: {}{target}",
                indicator_label(indicator),
                indicator_value(indicator, *value)
            )
        }
        Warning::Overspent {
            line,
            allocated,
            spent,
            over,
        } => format!(
            "{} 超支 overspent by {}: 支出 spent {}, 分配 allocated {}",
            line_label(report, line),
            yuan(*over),
            yuan(*spent),
            yuan(*allocated)
        ),
        Warning::ParticipationFalling { group, rates } => {
            let shown: Vec<String> = rates.iter().map(|(_, r)| percent(*r)).collect();
            format!(
                "{group} 参与率连续 {} 次下降 participation fell {} times in a row: {}",
                rates.len().saturating_sub(1),
                rates.len().saturating_sub(1),
                shown.join(" → ")
            )
        }
        Warning::ProjectLate { title, reason, .. } => {
            let reason = step_words(reason, &report.labels);
            format!("决议落实延期 Decision late: {title} — {reason}")
        }
        Warning::ActionOverdue {
            what,
            owner,
            due,
            days,
            ..
        } => format!(
            "监督小组待办逾期 {days} 天 Supervision action {days} days overdue: {what}（{owner}，应于 due {due}）"
        ),
    }
}

/// A project's reason for residents: each step it names in backticks
/// (`` `evaluate` is overdue ``) by its English label, without the backticks.
pub(super) fn step_words(reason: &str, labels: &super::Labels) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut parts = reason.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    // Pairs of backticks enclose a step; an unpaired one is kept as written.
    let mut pairs = rest.chunks_exact(2);
    for pair in pairs.by_ref() {
        if let [step, after] = pair {
            out.push_str(&labels.task(step).en);
            out.push_str(after);
        }
    }
    for odd in pairs.remainder() {
        out.push('`');
        out.push_str(odd);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(yuan(Fen::new(0)), "¥0.00");
        assert_eq!(yuan(Fen::new(12_345_678_901)), "¥123,456,789.01");
        assert_eq!(yuan(Fen::new(100_000)), "¥1,000.00");
        assert_eq!(percent(Decimal::ZERO), "0.0%");
        assert_eq!(percent(Decimal::new(4, 1)), "40.0%");
        assert_eq!(percent(Decimal::new(5, 4)), "0.1%");
        assert_eq!(score(Decimal::new(69, 0)), "69.00");
        let long = Decimal::from_str_exact("4.66666666666666666666666668").unwrap_or_default();
        assert_eq!(
            indicator_value("proposals_per_100_households", long),
            "4.67"
        );
        assert_eq!(
            indicator_value("participation_rate", Decimal::new(4, 1)),
            "40.0%"
        );
        assert_eq!(count(0, "household", "households"), "0 households");
        assert_eq!(grouped_decimal("1622.5"), "1,622.5");
        assert_eq!(grouped_decimal("-1234567"), "-1,234,567");
        assert_eq!(grouped_decimal("12"), "12");
        assert_eq!(
            indicator_label("resolution_cycle_days"),
            "解决周期 resolution cycle"
        );
    }
}
