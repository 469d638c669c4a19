//! The publicity report as one self-contained HTML page: inline CSS and SVG, no
//! JavaScript, no network, made for a phone first, Chinese first with the
//! English marked as such.
//!
//! Charts are drawn 360 units wide and shown at most 30 rem wide, so their
//! smallest text (13 units) is at least 11 px on a 360 px screen; each has a
//! `<title>`, a `<desc>` and its numbers in a table. Wide tables scroll inside
//! their own box, never the page.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::text::{self, grouped, percent, yuan};
use super::{Before, FinalAccounts, Label, Labels, PublicityReport, Stage};
use allocation_pools::Fen;
use governance_metrics as metrics;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;\
margin:0 auto;max-width:52rem;padding:1rem;color:#1f2933;line-height:1.5;background:#fff}\
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;border-bottom:2px solid #d9480f;padding-bottom:.2rem;margin-top:2rem}\
h3{font-size:1rem;margin:1.2rem 0 .4rem}.muted{color:#52606d;font-size:.9rem}[lang=en]{color:#52606d}\
.scroll{overflow-x:auto;max-width:100%}\
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0}\
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #e4e7eb;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
figure{margin:.6rem 0}figcaption{font-weight:bold;font-size:.95rem}\
.charts{display:flex;flex-wrap:wrap;gap:0 1.5rem}.charts>figure{flex:1 1 18rem;min-width:0}\
svg{width:100%;max-width:30rem;height:auto;display:block;margin:.4rem 0}\
details{font-size:.85rem;margin:.2rem 0 .8rem}summary{cursor:pointer;color:#1864ab}\
.ok{color:#237032}.bad{color:#c92a2a}.card{background:#f8f9fa;border-radius:.4rem;padding:.6rem .8rem;margin:.6rem 0}\
ul{padding-left:1.2rem}svg rect.c{stroke:#52606d;stroke-width:.5}code.hash{word-break:break-all;font-size:.8rem}";

/// Series colours: each at least 3:1 against white (WCAG's contrast for
/// graphics), and every chart also names its series in words.
const PALETTE: [&str; 8] = [
    "#d9480f", "#1971c2", "#2b8a3e", "#a35200", "#862e9c", "#0b7285", "#c2255c", "#5c940d",
];

/// The heat map's steps, light to dark, each with a text colour that keeps
/// 4.5:1 on it.
const HEAT: [(&str, &str); 5] = [
    ("#fff4e6", "#1f2933"),
    ("#ffd8a8", "#1f2933"),
    ("#ff922b", "#1f2933"),
    ("#c24e00", "#ffffff"),
    ("#7a2b00", "#ffffff"),
];

/// The most buildings the heat map draws (those with the most need); the
/// table lists them all.
const MAX_HEAT_CELLS: usize = 60;

/// The charts' width in SVG units.
const WIDTH: u64 = 360;

/// Renders the report as one self-contained HTML page: charts as inline SVG
/// (allocation as bars and a donut, spending progress, grants and need by
/// group, the concentration curve, the needs heat map by building, residents'
/// feedback), tables for everything else, and no external references.
///
/// ```
/// use guided_community::{quarterly_cycle, report, sample, Policy};
///
/// let report = quarterly_cycle(&sample::sunshine(1), &Policy::default())?;
/// let html = report::render_html(&report.publicity);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert_eq!(html.matches("<svg").count(), html.matches("<title").count() - 1);
/// assert!(!html.contains("<script") && !html.contains("http"));
/// # Ok::<(), guided_community::Error>(())
/// ```
pub fn render_html(report: &PublicityReport) -> String {
    let mut page = String::with_capacity(48 * 1024);
    let title = format!(
        "{} · {} 资源分配公示 Resource allocation notice",
        report.community, report.quarter
    );
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let stage = match report.stage {
        Stage::Before => bi("事前", "before the quarter"),
        Stage::During => bi("事中", "during the quarter"),
        Stage::After => bi("事后", "after the quarter"),
    };
    let _ = write!(
        page,
        "<header>\n<h1>{} · {} {}</h1>\n<p class=\"muted\">截至 {} {} · {stage} · {} 户 {} · {} 位居民 {} \
         ({} 流动 {}, {} 60岁以上 {})</p>\n</header>\n",
        escape(&report.community),
        escape(&report.quarter.to_string()),
        bi("资源分配公示", "Resource allocation notice"),
        en("As of"),
        report.as_of,
        grouped(report.households),
        en("households"),
        grouped(report.residents),
        en("residents"),
        grouped(report.floating_residents),
        en("floating residents"),
        grouped(report.aged_60_plus),
        en("aged 60+"),
    );
    before(&mut page, report);
    during(&mut page, report);
    after(&mut page, report);
    let _ = write!(
        page,
        "<footer class=\"muted\"><p>{}</p></footer>\n</body>\n</html>\n",
        bi(
            "金额以分为单位精确计算，各项之和等于预算。",
            "Amounts are exact to the fen and sum to the budget. Generated by guided-community."
        )
    );
    page
}

fn before(page: &mut String, report: &PublicityReport) {
    let b = &report.before;
    let _ = writeln!(
        page,
        "<section id=\"before\">\n<h2>一、事前公示 {}</h2>",
        en("Before: budget, needs and plan")
    );
    let _ = writeln!(
        page,
        "<div class=\"card\">本季度预算 {} <strong>{}</strong> · 基础池 {} {} ({}) · 机动池 {} {} ({}) · \
         应急池 {} {} ({})</div>",
        en("Budget"),
        yuan(b.budget),
        en("base"),
        yuan(b.pools.base),
        percent(b.pool_shares.base() / Decimal::ONE_HUNDRED),
        en("dynamic"),
        yuan(b.pools.dynamic),
        percent(b.pool_shares.dynamic() / Decimal::ONE_HUNDRED),
        en("reserve"),
        yuan(b.pools.emergency),
        percent(b.pool_shares.emergency() / Decimal::ONE_HUNDRED),
    );
    let _ = write!(
        page,
        "<h3>公示期 {}</h3>\n<p>{} 公示 {}，异议截止 {} {}，{} 起生效 {}（{} 天 {}）。</p>\n",
        en("Notice window"),
        b.notice.published,
        en("notice published"),
        b.notice.objections_until,
        en("objections until"),
        b.notice.takes_effect,
        en("takes effect"),
        b.notice.days,
        en("days"),
    );

    needs_section(page, report);
    plan_section(page, b);

    if !b.adjustments.is_empty() {
        let _ = writeln!(
            page,
            "<h3>议事会决议 {}</h3>\n<ul>",
            en("Council decisions")
        );
        for a in &b.adjustments {
            let step = label(&report.labels.step(&a.step));
            let status = if a.applied {
                format!("<span class=\"ok\">✓ 已执行 {}</span>", en("applied"))
            } else {
                format!(
                    "<span class=\"bad\">✗ 未执行 {}</span>：{} {}",
                    en("not applied"),
                    "尚未生效",
                    en("not yet in effect")
                )
            };
            let _ = writeln!(
                page,
                "<li>{} — {} → {}（{step}）· {status}</li>",
                escape(&a.title),
                yuan(a.amount),
                escape(&text::line_label(report, &a.line)),
            );
        }
        page.push_str("</ul>\n");
    }
    if !b.agenda.is_empty() {
        let _ = writeln!(
            page,
            "<h3>建议议题（高频诉求）{}</h3>\n<ul>",
            en("Suggested agenda: petition hot spots")
        );
        for item in &b.agenda {
            let _ = writeln!(page, "<li>{}</li>", agenda_item(report, item));
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</section>\n");
}

/// A suggested agenda item, Chinese first: hot-spot items (`hot-spot-CATEGORY-BUILDING`)
/// are said again in Chinese from their category and building.
fn agenda_item(report: &PublicityReport, item: &deliberation::Item) -> String {
    let english = en(&item.title);
    let Some(rest) = item.id.strip_prefix("hot-spot-") else {
        return english;
    };
    let found = report.labels.categories.iter().find_map(|(id, l)| {
        rest.strip_prefix(id.as_str())
            .and_then(|r| r.strip_prefix('-'))
            .map(|building| (id, l, building))
    });
    match found {
        Some((id, category, building)) => {
            // The English names the category by its label too ("about
            // lifts", not "about elevator").
            let english = en(&item.title.replacen(
                &format!(" about {id} in "),
                &format!(" about {} in ", category.en.to_lowercase()),
                1,
            ));
            format!(
                "{} 楼「{}」诉求集中，建议议定长效解决办法 {english}",
                escape(building),
                escape(&category.zh)
            )
        }
        None => format!("高频诉求，建议议定长效解决办法 {english}"),
    }
}

fn during(page: &mut String, report: &PublicityReport) {
    let d = &report.during;
    let _ = writeln!(
        page,
        "<section id=\"during\">\n<h2>二、事中公示 {}</h2>",
        en("During: spending and coverage")
    );
    let mut rows: Vec<(String, Fen, Fen)> = report
        .before
        .service_lines
        .iter()
        .map(|l| (l.name.clone(), l.spent, l.allocated))
        .collect();
    rows.push((
        "住户补助 Household grants".to_owned(),
        d.grants_paid,
        report.before.household_grants,
    ));
    rows.push((
        "全部预算 Whole budget".to_owned(),
        d.spent,
        report.before.budget,
    ));
    progress_chart(page, &rows);
    let _ = writeln!(
        page,
        "<div class=\"card\">覆盖 {}：{} / {} 户需求家庭获得补助 {}（{}）· \
         {} 位居民参与活动 {} · 已发放补助 {} {}</div>",
        en("Coverage"),
        grouped(d.coverage.reached),
        grouped(d.coverage.needy_households),
        en("needy households reached"),
        percent(d.coverage.rate),
        grouped(d.coverage.residents_served),
        en("residents in households that took part"),
        en("grants paid"),
        yuan(d.grants_paid)
    );
    let p = &d.petitions;
    let _ = write!(
        page,
        "<h3>居民诉求（三色管理）{}</h3>\n<div class=\"scroll\"><table>\n<tr><th>收到 {}</th><th class=\"n\">红 {}</th>\
         <th class=\"n\">黄 {}</th><th class=\"n\">蓝 {}</th><th class=\"n\">转110/119/120</th>\
         <th class=\"n\">已解决 {}</th><th class=\"n\">按时 {}</th></tr>\n<tr><td>{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n</table></div>\n",
        en("Petitions"),
        en("Received"),
        en("Red"),
        en("Yellow"),
        en("Blue"),
        en("Resolved"),
        en("On time"),
        grouped(p.received),
        grouped(p.red),
        grouped(p.yellow),
        grouped(p.blue),
        grouped(p.emergency_referrals),
        grouped(p.resolved),
        percent(p.on_time_rate)
    );
    if !d.reserve_draws.is_empty() {
        let _ = writeln!(page, "<h3>应急池动用 {}</h3>\n<ul>", en("Reserve draws"));
        for draw in &d.reserve_draws {
            let _ = writeln!(
                page,
                "<li>{} · {} · {}</li>",
                draw.date,
                escape(&draw.reason),
                yuan(draw.amount)
            );
        }
        page.push_str("</ul>\n");
    }
    implementation_section(page, &d.implementation, &report.labels);
    page.push_str("</section>\n");
}

/// 决议落实: each decision's project as a card a resident reads on a phone —
/// its status, steps done (a native progress bar), the next step, money spent
/// of its budget, overdue steps and open supervision actions.
fn implementation_section(page: &mut String, lines: &[super::ImplementationLine], labels: &Labels) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(page, "<h3>决议落实 {}</h3>", en("Implementation"));
    for line in lines {
        let status = match line.status {
            projects::Status::OnTrack => bi("按计划", "On track"),
            projects::Status::AtRisk => bi("有风险", "At risk"),
            projects::Status::Late => bi("延期", "Late"),
            projects::Status::Done => bi("已完成", "Done"),
        };
        let _ = write!(
            page,
            "<div class=\"card\"><strong>{}</strong><br>状态 {}：{}<br>\
             <progress value=\"{}\" max=\"{}\">{} / {}</progress> 已完成 {} / {} 步 {}",
            escape(&line.title),
            en("Status"),
            status,
            line.done,
            line.steps.max(1),
            line.done,
            line.steps,
            line.done,
            line.steps,
            en("steps done")
        );
        if let Some(next) = &line.next {
            let _ = write!(
                page,
                "<br>下一步 {}：{}（{} – {}）",
                en("Next"),
                label(&labels.task(&next.step)),
                next.start,
                next.end
            );
        }
        if let (Some(planned), Some(expected)) = (line.planned_end, line.forecast_end) {
            let _ = write!(
                page,
                "<br>计划完成 {} {} · 预计 {} {}",
                en("Planned"),
                planned,
                en("Expected"),
                expected
            );
        }
        let _ = write!(
            page,
            "<br>支出 {} {} / 预算 {} {}",
            en("Spent"),
            yuan(line.spent),
            en("Budget"),
            yuan(line.budget)
        );
        if !line.late_steps.is_empty() {
            let steps: Vec<String> = line
                .late_steps
                .iter()
                .map(|s| label(&labels.task(s)))
                .collect();
            let _ = write!(
                page,
                "<br>逾期步骤 {}：{}",
                en("Overdue steps"),
                steps.join("、")
            );
        }
        if line.open_actions > 0 {
            let _ = write!(
                page,
                "<br>监督小组待办 {}：{}（逾期 {} {}）",
                en("Open supervision actions"),
                line.open_actions,
                line.overdue_actions,
                en("overdue")
            );
        }
        let _ = writeln!(
            page,
            "<br><small lang=\"en\">{}</small></div>",
            escape(&text::step_words(&line.reason, labels))
        );
    }
}

/// A participation group or channel for people: the sample's names in
/// Chinese and English, anything else as given.
fn door_or_group(name: &str) -> String {
    let (zh, english) = match name {
        "young-renters" => ("青年租户", "Young renters"),
        "seniors" => ("老年人", "Seniors"),
        "working-owners" => ("在职业主", "Working owners"),
        "online-evening" => ("线上晚间议事", "Evening online council"),
        "building-corner" => ("楼栋议事角", "Building corner"),
        "council" => ("居民议事会", "Council session"),
        "app-petition" => ("小程序诉求", "App petition"),
        "vote" => ("投票", "Vote"),
        other => return escape(other),
    };
    format!("{zh} {english}")
}

/// 参与度: each group's share of participants against its share of residents
/// (a chart and its table), the groups least reached, and the doors each
/// group came through.
fn participation_section(page: &mut String, p: &metrics::Participation) {
    let _ = writeln!(
        page,
        "<h3>参与度 {}</h3>\n<p>{} / {} 位居民本季度至少参与一次 {}（{}）。</p>",
        en("Who takes part"),
        grouped(p.participants),
        grouped(p.residents),
        en("residents took part at least once this quarter"),
        percent(p.rate)
    );
    let bars: Vec<Bar> = p
        .groups
        .iter()
        .map(|g| Bar {
            label: strip_tags(&door_or_group(&g.group)),
            value: u64::try_from((g.rate * Decimal::from(10_000)).round().mantissa().max(0))
                .unwrap_or(0),
            text: format!(
                "{}{}",
                percent(g.rate),
                match g.flag {
                    metrics::RepresentationFlag::Under => " · 偏少 under",
                    metrics::RepresentationFlag::Over => " · 偏多 over",
                    metrics::RepresentationFlag::Small => " · 人数少 few",
                    metrics::RepresentationFlag::Fair => "",
                }
            ),
        })
        .collect();
    bar_chart(
        page,
        "participation",
        &bi("各群体参与率", "Participation by group"),
        "每个群体中至少参与一次的居民比例，以及该群体占参与者和占居民的比例：占参与者明显少于占居民即代表性不足。The share of each group that took part, and its share of participants against its share of residents: far fewer participants than residents means it is under-represented.",
        &bars,
    );
    if !p.least_reached.is_empty() {
        let names: Vec<String> = p.least_reached.iter().map(|g| door_or_group(g)).collect();
        let _ = writeln!(
            page,
            "<p>最少触达 {}：{}</p>",
            en("Least reached"),
            names.join("、")
        );
    }
    let _ = writeln!(
        page,
        "<p>代表性与参与渠道 {}：</p>\n<ul>",
        en("Representation, and through which door")
    );
    for g in &p.groups {
        let doors: Vec<String> = g
            .channels
            .iter()
            .map(|(c, n)| format!("{} {}", door_or_group(c), grouped(*n)))
            .collect();
        let _ = writeln!(
            page,
            "<li>{}：占参与者 {} {} / 占居民 {} {}<br>{}</li>",
            door_or_group(&g.group),
            percent(g.participant_share),
            en("of participants"),
            percent(g.resident_share),
            en("of residents"),
            if doors.is_empty() {
                "—".to_owned()
            } else {
                doors.join("；")
            }
        );
    }
    page.push_str("</ul>\n");
}

/// 社区基金收支公示: the fund's income by kind, every expense with the
/// ledger entry a resident can ask an inclusion proof for, expenses by
/// category, the balance and the fee's collection rate.
fn fund_section(page: &mut String, fund: &super::FundReport, labels: &Labels) {
    let s = &fund.statement;
    let money = |a: &points_bank::Amount| Fen::new(u64::try_from(a.hundredths()).unwrap_or(0));
    let _ = writeln!(
        page,
        "<h3>社区基金收支 {}</h3>",
        en("Community fund: income and every expense")
    );
    let incomes: Vec<String> = s
        .income
        .iter()
        .map(|(kind, amount)| {
            let name = match kind.as_str() {
                "donation" => bi("捐赠", "Donations"),
                "fee" => bi("物业费", "Property fees"),
                "rent" => bi("公共收益", "Public income"),
                "sale" => bi("义卖", "Charity sales"),
                _ => bi("其他", "Other"),
            };
            format!("{name} {}", yuan(*amount))
        })
        .collect();
    let _ = write!(
        page,
        "<div class=\"card\">期初 {} {} · 收入 {}：{} · 期末 {} {}",
        en("Opening"),
        yuan(money(&s.opening)),
        en("Income"),
        if incomes.is_empty() {
            "—".to_owned()
        } else {
            incomes.join("；")
        },
        en("Closing"),
        yuan(money(&s.closing))
    );
    if let Some(rate) = fund.collection_rate {
        let _ = write!(
            page,
            " · 物业费收缴率 {} {}",
            en("Fee collection"),
            percent(rate)
        );
    }
    page.push_str("</div>\n");
    if !s.expenses.is_empty() {
        // One item per expense, not a seven-column table: it reads on a phone.
        let _ = writeln!(page, "<p>支出明细 {}：</p>\n<ul>", en("Every expense"));
        for e in &s.expenses {
            let refunded = if e.refunded > Fen::ZERO {
                format!("（退回 {} {}）", en("refunded"), yuan(e.refunded))
            } else {
                String::new()
            };
            let _ = writeln!(
                page,
                "<li>{} · <strong>{}{refunded}</strong> · {}<br>{} · 类别 {} {} · 批准 {} {} · 账本条目 {} #{}</li>",
                e.at.date(),
                yuan(e.amount),
                escape(&e.payee),
                escape(&e.purpose),
                en("Category"),
                label(&labels.expense(&e.category)),
                en("Approved by"),
                e.decision.as_deref().map_or_else(|| "—".to_owned(), escape),
                en("Ledger entry"),
                e.entry
            );
        }
        page.push_str("</ul>\n");
    }
    let categories: Vec<String> = s
        .by_category
        .iter()
        .map(|(c, amount)| format!("{} {}", label(&labels.expense(c)), yuan(*amount)))
        .collect();
    let _ = writeln!(
        page,
        "<p>按类别 {}：{}。每一笔都可用账本条目号和上方的账本锚点核验 {}（<code>guided-community ledger prove --entry N</code>）。</p>",
        en("By category"),
        if categories.is_empty() {
            "—".to_owned()
        } else {
            categories.join("；")
        },
        en("Check any line against the ledger anchor above with its entry number")
    );
}

fn after(page: &mut String, report: &PublicityReport) {
    let a = &report.after;
    let _ = writeln!(
        page,
        "<section id=\"after\">\n<h2>三、事后公示 {}</h2>",
        en("After: accounts, evaluation and satisfaction")
    );
    accounts_table(page, &a.accounts);
    group_chart(page, report);
    lorenz_chart(page, a);
    let f = &a.fairness;
    let _ = writeln!(
        page,
        "<p>错配率 {} {} · 基尼系数 {} {} · 精准识别率 {} {}</p>",
        en("Mismatch"),
        percent(f.mismatch),
        en("Gini of grants"),
        text::three_decimals(f.gini_of_grants),
        en("Precise targeting"),
        f.precise_targeting_rate
            .map_or_else(|| "—".to_owned(), percent)
    );

    evaluation_table(page, &a.indicators);
    feedback(page, report);

    let _ = write!(
        page,
        "<h3>积分 {}</h3>\n<p>{} 位居民 {} 获得 {} 分 {}，共 {} 次活动 {}（新开账户 {} {}，未通过 {} {}）。</p>\n",
        en("Contribution points"),
        grouped(a.points.residents),
        en("residents"),
        text::grouped_decimal(&a.points.points_earned.to_string()),
        en("points earned"),
        grouped(a.points.activities),
        en("activities"),
        grouped(a.points.accounts_opened),
        en("new accounts"),
        grouped(a.points.rejected),
        en("activities rejected"),
    );
    let _ = writeln!(
        page,
        "<p class=\"muted\">账本锚点 {}：共 {} 条记录 · 末条哈希 {} <code class=\"hash\">{}</code> · \
         默克尔根 {} <code class=\"hash\">{}</code>。请保存，日后可核对账本未被改写。{}</p>",
        en("Ledger anchor"),
        grouped(a.points.ledger_entries),
        en("head"),
        a.points.ledger_head,
        en("root"),
        a.points.ledger_root,
        en("Keep it: it shows later whether the ledger was rewritten.")
    );
    if let Some(p) = &a.participation {
        participation_section(page, p);
    }
    if let Some(fund) = &a.fund {
        fund_section(page, fund, &report.labels);
    }

    let _ = writeln!(page, "<h3>预警 {}</h3>", en("Warnings"));
    if a.warnings.is_empty() {
        let _ = writeln!(page, "<p class=\"ok\">✓ 无预警 {}</p>", en("No warnings."));
    } else {
        page.push_str("<ul>\n");
        for w in &a.warnings {
            let _ = writeln!(
                page,
                "<li class=\"bad\">⚠ {}</li>",
                escape(&text::warning(report, w))
            );
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</section>\n");
}

/// The needs assessment: dimensions, tiers (most need first), who was scored,
/// and the heat map by building.
fn needs_section(page: &mut String, report: &PublicityReport) {
    let b = &report.before;
    let _ = writeln!(
        page,
        "<h3>需求评估 {}</h3>\n<div class=\"scroll\"><table>\n<tr><th>维度 {}</th><th class=\"n\">权重 {}</th></tr>",
        en("Needs assessment"),
        en("Dimension"),
        en("Weight")
    );
    for d in &b.needs.dimensions {
        // Chinese first: the article's matrix names them "Health (健康状况)".
        let name = report
            .labels
            .dimensions
            .get(&d.id)
            .map_or_else(|| escape(&d.name), label);
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            name,
            percent(d.weight / Decimal::ONE_HUNDRED)
        );
    }
    let _ = writeln!(
        page,
        "</table></div>\n<div class=\"scroll\"><table>\n<tr><th>需求等级 {}</th><th class=\"n\">户数 {}</th></tr>",
        en("Tier"),
        en("Households")
    );
    for t in &b.needs.tiers {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            label(&report.labels.tier(&t.tier)),
            grouped(t.households)
        );
    }
    let _ = write!(
        page,
        "</table></div>\n<p class=\"muted\">{} 户已评估 {}，{} 户数据待补 {}；平均分 {} {}；补助门槛 {} {}。</p>\n",
        grouped(b.needs.scored),
        en("scored"),
        grouped(b.needs.set_aside),
        en("set aside"),
        en("mean score"),
        text::score(b.needs.mean_score),
        en("grant threshold"),
        text::score(b.needs.threshold)
    );
    heat_map(page, b);
}

/// The allocation plan: bars and a donut, a table of the lines, the grants.
fn plan_section(page: &mut String, b: &Before) {
    let _ = writeln!(page, "<h3>分配方案 {}</h3>", en("Allocation plan"));
    let mut parts: Vec<(String, u64)> = b
        .service_lines
        .iter()
        .map(|l| (l.name.clone(), l.allocated.get()))
        .collect();
    parts.push((
        "住户补助 Household grants".to_owned(),
        b.household_grants.get(),
    ));
    parts.push((
        "应急池 Emergency reserve".to_owned(),
        b.pools.emergency.get(),
    ));
    if b.unallocated > Fen::ZERO {
        parts.push(("未分配 Unallocated".to_owned(), b.unallocated.get()));
    }
    let total: u64 = parts.iter().map(|p| p.1).sum();
    page.push_str("<div class=\"charts\">\n");
    let bars: Vec<Bar> = parts
        .iter()
        .map(|(name, v)| Bar {
            label: name.clone(),
            value: *v,
            text: yuan(Fen::new(*v)),
        })
        .collect();
    bar_chart(
        page,
        "plan-bars",
        &bi("按服务线分配", "Allocation by service line"),
        "每条服务线、住户补助和应急池分得的金额。The amount each service line, the household grants and the reserve receive.",
        &bars,
    );
    donut_chart(page, &parts, total);
    page.push_str("</div>\n");
    let _ = writeln!(
        page,
        "<div class=\"scroll\"><table>\n<tr><th>服务线 {}</th><th class=\"n\">服务人数 {}</th><th class=\"n\">基础 {}</th>\
         <th class=\"n\">专项 {}</th><th class=\"n\">合计 {}</th><th class=\"n\">占比 {}</th></tr>",
        en("Line"),
        en("Heads"),
        en("Base"),
        en("Earmarked"),
        en("Total"),
        en("Share")
    );
    for l in &b.service_lines {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&l.name),
            grouped(l.heads),
            yuan(l.base),
            yuan(l.earmarked),
            yuan(l.allocated),
            share(l.allocated.get(), total)
        );
    }
    for (name, value) in parts.iter().skip(b.service_lines.len()) {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(name),
            yuan(Fen::new(*value)),
            share(*value, total)
        );
    }
    let _ = write!(
        page,
        "</table></div>\n<p>{} 户获得住户补助 {}，共 {} {}；单户最高 {} {}。</p>\n",
        grouped(b.households_granted),
        en("households receive a grant"),
        en("total"),
        yuan(b.household_grants),
        en("largest"),
        yuan(b.largest_grant)
    );
}

/// The final accounts: every fen of the budget, and whether spending stayed within.
fn accounts_table(page: &mut String, acc: &FinalAccounts) {
    let row = |zh: &str, english: &str, fen: Fen| {
        format!(
            "<tr><td>{zh} {}</td><td class=\"n\">{}</td></tr>\n",
            en(english),
            yuan(fen)
        )
    };
    let _ = write!(
        page,
        "<h3>决算 {}</h3>\n<div class=\"scroll\"><table>\n{}{}{}{}{}{}\
         <tr><th>预算 {}</th><th class=\"n\">{}</th></tr>\n<tr><td colspan=\"2\">{}</td></tr>\n{}{}\
         <tr><td colspan=\"2\">{}</td></tr>\n</table></div>\n",
        en("Final accounts"),
        row("服务线", "Service lines", acc.service_lines),
        row("住户补助", "Household grants", acc.household_grants),
        row("未分配", "Unallocated", acc.unallocated),
        row("应急池动用", "Reserve drawn", acc.reserve_drawn),
        row(
            "应急池结转",
            "Reserve carried over",
            acc.reserve_carried_over
        ),
        row("应急池释放", "Reserve released", acc.reserve_released),
        en("Budget"),
        yuan(acc.budget),
        if acc.balanced {
            format!(
                "<span class=\"ok\">✓ 分配平衡：各项之和等于预算 {}</span>",
                en("allocation balanced: the parts sum to the budget")
            )
        } else {
            format!(
                "<span class=\"bad\">✗ 分配不平衡：各项之和不等于预算 {}</span>",
                en("allocation not balanced: the parts do not sum to the budget")
            )
        },
        row("已支出", "Spent", acc.spent),
        row("结余", "Unspent", acc.unspent),
        if acc.within_allocation {
            format!(
                "<span class=\"ok\">✓ 支出未超分配 {}</span>",
                en("spending within allocation")
            )
        } else {
            format!(
                "<span class=\"bad\">✗ 有项目超支（见预警）{}</span>",
                en("spending over allocation (see the warnings)")
            )
        },
    );
}

/// The article's indicators with targets and verdicts.
fn evaluation_table(page: &mut String, indicators: &[metrics::Indicator]) {
    let _ = writeln!(
        page,
        "<h3>效果评估 {}</h3>\n<div class=\"scroll\"><table>\n<tr><th>指标 {}</th><th class=\"n\">数值 {}</th>\
         <th class=\"n\">目标 {}</th><th>结论 {}</th></tr>",
        en("Evaluation"),
        en("Indicator"),
        en("Value"),
        en("Target"),
        en("Verdict")
    );
    for i in indicators {
        let target = i.target.as_ref().map_or_else(
            || "—".to_owned(),
            |t| {
                let sign = match t.comparison {
                    metrics::Comparison::Above => "&gt;",
                    metrics::Comparison::Below => "&lt;",
                };
                format!(
                    "{sign} {}",
                    escape(&text::indicator_value(&i.name, t.value))
                )
            },
        );
        let verdict = match i.verdict {
            Some(metrics::Verdict::Met) => {
                format!("<span class=\"ok\">✓ 达标 {}</span>", en("met"))
            }
            Some(metrics::Verdict::Missed) => {
                format!("<span class=\"bad\">✗ 未达标 {}</span>", en("missed"))
            }
            _ => "—".to_owned(),
        };
        let (zh, english) = text::indicator_words(&i.name);
        let _ = writeln!(
            page,
            "<tr><td>{} {}</td><td class=\"n\">{}</td><td class=\"n\">{target}</td><td>{verdict}</td></tr>",
            escape(zh),
            en(&english),
            escape(&text::indicator_value(&i.name, i.value))
        );
    }
    page.push_str("</table></div>\n");
}

/// Residents' feedback (the articles' third panel): satisfaction by group and
/// petitions by category.
fn feedback(page: &mut String, report: &PublicityReport) {
    let a = &report.after;
    let categories = &report.during.petitions.categories;
    if a.satisfaction.is_empty() && categories.is_empty() {
        return;
    }
    let _ = writeln!(
        page,
        "<h3>居民反馈 {}</h3>\n<div class=\"charts\">",
        en("Residents' feedback")
    );
    if !a.satisfaction.is_empty() {
        let bars: Vec<Bar> = a
            .satisfaction
            .iter()
            .map(|s| Bar {
                label: plain(&report.labels.group(&s.group)),
                value: u64::try_from((s.rate * Decimal::from(10_000)).round().mantissa().max(0))
                    .unwrap_or(0),
                text: format!("{}（{} 人）", percent(s.rate), grouped(s.respondents)),
            })
            .collect();
        bar_chart(
            page,
            "satisfaction",
            &bi("各群体满意度", "Satisfaction by group"),
            "各群体受访者中表示满意的比例（括号内为受访人数）。The share of each group's respondents who were satisfied (respondents in brackets).",
            &bars,
        );
    }
    if !categories.is_empty() {
        let bars: Vec<Bar> = categories
            .iter()
            .map(|c| Bar {
                label: plain(&report.labels.category(&c.category)),
                value: c.received,
                text: format!("{} 件", grouped(c.received)),
            })
            .collect();
        bar_chart(
            page,
            "categories",
            &bi("诉求类别", "Petitions by category"),
            "本季度收到的居民诉求按类别计数。Petitions received this quarter, by category.",
            &bars,
        );
    }
    page.push_str("</div>\n");
    let _ = writeln!(
        page,
        "<p>总体满意度 {} {}</p>",
        en("Overall satisfaction"),
        a.overall_satisfaction
            .map_or_else(|| "—".to_owned(), percent)
    );
}

/// One bar of a bar chart: its label, its length and the words at its end.
struct Bar {
    label: String,
    value: u64,
    text: String,
}

/// Horizontal bars, each under its label, with the numbers again in a table.
fn bar_chart(page: &mut String, id: &str, title: &str, desc: &str, bars: &[Bar]) {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let row = 42u64;
    let height = row * bars.len() as u64 + 4;
    figure_open(page, id, title, desc, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = row * i as u64;
        let width = scale(bar.value, max, 200).max(1);
        let colour = PALETTE.get(i % PALETTE.len()).copied().unwrap_or("#616e7c");
        let _ = writeln!(
            page,
            "<text x=\"0\" y=\"{ty}\">{l}</text>\
             <rect x=\"0\" y=\"{by}\" width=\"{width}\" height=\"16\" fill=\"{colour}\"/>\
             <text x=\"{tx}\" y=\"{vy}\">{v}</text>",
            ty = y + 14,
            by = y + 20,
            vy = y + 33,
            l = escape(&bar.label),
            tx = width + 6,
            v = escape(&bar.text)
        );
    }
    page.push_str("</svg>\n");
    data_table(
        page,
        &["项目 Item", "数值 Value"],
        bars.iter()
            .map(|b| vec![escape(&b.label), escape(&b.text)])
            .collect(),
    );
    page.push_str("</figure>\n");
}

/// The allocation as a donut (资源分配饼图), its legend under it.
fn donut_chart(page: &mut String, parts: &[(String, u64)], total: u64) {
    let (cx, cy, r) = (180u64, 95u64, 70u64);
    let legend_row = 22u64;
    let height = 200 + legend_row * parts.len() as u64;
    figure_open(
        page,
        "plan-donut",
        &bi("资源分配饼图", "Allocation as shares of the budget"),
        "预算按服务线、住户补助和应急池所占的比例。Each part's share of the budget.",
        height,
    );
    // Each part is an arc of a circle drawn with a dash: its length is the
    // part's share of the circumference (in hundredths of the whole, so the
    // dashes add up exactly to 100 with pathLength).
    let mut offset = 0u64;
    let _ = writeln!(
        page,
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"#e4e7eb\" stroke-width=\"34\"/>"
    );
    for (i, (_, value)) in parts.iter().enumerate() {
        let length = scale(*value, total, 10_000);
        let colour = PALETTE.get(i % PALETTE.len()).copied().unwrap_or("#616e7c");
        if length > 0 {
            let _ = writeln!(
                page,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"34\" \
                 pathLength=\"10000\" stroke-dasharray=\"{length} {rest}\" stroke-dashoffset=\"{off}\" \
                 transform=\"rotate(-90 {cx} {cy})\"/>",
                rest = 10_000 - length,
                off = 10_000 - offset % 10_000,
            );
        }
        offset += length;
    }
    let _ = writeln!(
        page,
        "<text x=\"{cx}\" y=\"{ty}\" text-anchor=\"middle\">预算</text>\
         <text x=\"{cx}\" y=\"{vy}\" text-anchor=\"middle\">{t}</text>",
        ty = cy - 2,
        vy = cy + 16,
        t = escape(&yuan(Fen::new(total)))
    );
    for (i, (name, value)) in parts.iter().enumerate() {
        let y = 200 + legend_row * i as u64;
        let colour = PALETTE.get(i % PALETTE.len()).copied().unwrap_or("#616e7c");
        let _ = writeln!(
            page,
            "<rect x=\"0\" y=\"{ry}\" width=\"13\" height=\"13\" fill=\"{colour}\"/>\
             <text x=\"20\" y=\"{ty}\">{l}</text>\
             <text x=\"{WIDTH}\" y=\"{ty}\" text-anchor=\"end\">{p}</text>",
            ry = y,
            ty = y + 11,
            l = escape(name),
            p = share(*value, total),
        );
    }
    page.push_str("</svg>\n");
    data_table(
        page,
        &["项目 Item", "金额 Amount", "占比 Share"],
        parts
            .iter()
            .map(|(name, v)| vec![escape(name), yuan(Fen::new(*v)), share(*v, total)])
            .collect(),
    );
    page.push_str("</figure>\n");
}

/// Spent against allocated, one bar per row; a row that spent more than it was
/// allocated is drawn full and red, and says "超支 over" and by how much.
fn progress_chart(page: &mut String, rows: &[(String, Fen, Fen)]) {
    let row = 60u64;
    let height = row * rows.len() as u64 + 4;
    figure_open(
        page,
        "progress",
        &bi("支出进度", "Spending progress"),
        "每条服务线已支出金额占分配金额的比例；超支的一行以红色画满并注明超支金额。Spent against allocated for each line; a line that overspent is drawn full in red and says by how much.",
        height,
    );
    let mut table = Vec::with_capacity(rows.len());
    for (i, (label_text, spent, allocated)) in rows.iter().enumerate() {
        let y = row * i as u64;
        let progress = super::ratio(u128::from(spent.get()), u128::from(allocated.get()));
        let over = spent.checked_sub(*allocated).filter(|o| *o > Fen::ZERO);
        let shown = if allocated.get() == 0 {
            "—".to_owned()
        } else {
            percent(progress)
        };
        let (width, fill, detail) = match over {
            Some(over) => (
                280,
                "#c92a2a",
                format!(
                    "{} / {} · 超支 {}",
                    yuan(*spent),
                    yuan(*allocated),
                    yuan(over)
                ),
            ),
            None => (
                share_width(progress, 280),
                "#2b8a3e",
                format!("{} / {}", yuan(*spent), yuan(*allocated)),
            ),
        };
        let _ = writeln!(
            page,
            "<text x=\"0\" y=\"{ty}\">{l}</text>\
             <rect x=\"0\" y=\"{by}\" width=\"280\" height=\"14\" rx=\"7\" fill=\"#e4e7eb\"/>\
             <rect x=\"0\" y=\"{by}\" width=\"{width}\" height=\"14\" rx=\"7\" fill=\"{fill}\"/>\
             <text x=\"{WIDTH}\" y=\"{py}\" text-anchor=\"end\">{shown}</text>\
             <text x=\"0\" y=\"{sy}\" fill=\"#52606d\">{s}</text>",
            ty = y + 14,
            by = y + 20,
            py = y + 32,
            sy = y + 50,
            l = escape(label_text),
            s = escape(&detail)
        );
        table.push(vec![
            escape(label_text),
            yuan(*spent),
            yuan(*allocated),
            escape(&shown),
        ]);
    }
    page.push_str("</svg>\n");
    data_table(
        page,
        &[
            "项目 Item",
            "已支出 Spent",
            "分配 Allocated",
            "进度 Progress",
        ],
        table,
    );
    page.push_str("</figure>\n");
}

/// Grants share against need share per group.
fn group_chart(page: &mut String, report: &PublicityReport) {
    let after = &report.after;
    let row = 64u64;
    let height = row * after.groups.len() as u64 + 28;
    figure_open(
        page,
        "groups",
        &bi("按群体：补助占比与需求占比", "Grants and need by group"),
        "每个群体得到的补助占全部补助的比例，与其需求占全部需求的比例并列。Each group's share of the grants beside its share of the need.",
        height,
    );
    let _ = write!(
        page,
        "<rect x=\"0\" y=\"2\" width=\"13\" height=\"13\" fill=\"#d9480f\"/><text x=\"18\" y=\"13\">补助 grants</text>\
         <rect x=\"130\" y=\"2\" width=\"13\" height=\"13\" fill=\"#1971c2\"/><text x=\"148\" y=\"13\">需求 need</text>",
    );
    let mut table = Vec::with_capacity(after.groups.len());
    for (i, g) in after.groups.iter().enumerate() {
        let y = 28 + row * i as u64;
        let (wr, wn) = (
            share_width(g.resource_share, 260).max(1),
            share_width(g.need_share, 260).max(1),
        );
        let name = plain(&report.labels.group(&g.group));
        let _ = writeln!(
            page,
            "<text x=\"0\" y=\"{ty}\">{l}</text>\
             <rect x=\"0\" y=\"{yr}\" width=\"{wr}\" height=\"16\" fill=\"#d9480f\"/>\
             <text x=\"{trx}\" y=\"{try_}\">{pr}</text>\
             <rect x=\"0\" y=\"{yn}\" width=\"{wn}\" height=\"16\" fill=\"#1971c2\"/>\
             <text x=\"{tnx}\" y=\"{tny}\">{pn}</text>",
            ty = y + 14,
            l = escape(&name),
            yr = y + 20,
            trx = wr + 6,
            try_ = y + 33,
            pr = percent(g.resource_share),
            yn = y + 38,
            tnx = wn + 6,
            tny = y + 51,
            pn = percent(g.need_share),
        );
        table.push(vec![
            escape(&name),
            grouped(g.households),
            yuan(g.granted),
            percent(g.resource_share),
            percent(g.need_share),
        ]);
    }
    page.push_str("</svg>\n");
    data_table(
        page,
        &[
            "群体 Group",
            "户数 Households",
            "补助 Grants",
            "补助占比 Grants share",
            "需求占比 Need share",
        ],
        table,
    );
    page.push_str("</figure>\n");
}

/// The concentration curve of need and grants, households ordered by need.
fn lorenz_chart(page: &mut String, after: &super::After) {
    let (x0, y0, size) = (40u64, 250u64, 240u64);
    let point = |x: Decimal, y: Decimal| {
        let (px, py) = (share_width(x, size), share_width(y, size));
        format!("{},{}", x0 + px, y0.saturating_sub(py))
    };
    let line = |pick: fn(&super::LorenzPoint) -> Decimal| {
        after
            .fairness
            .lorenz
            .iter()
            .map(|p| point(p.households, pick(p)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    figure_open(
        page,
        "lorenz",
        &bi("洛伦兹曲线：需求与补助", "Lorenz curve of need and grants"),
        "住户按需求由低到高排列，曲线为累计的需求与补助占比；补助曲线越低于需求曲线，补助越集中于需求高的住户。Households from least to most need; the curves are cumulative shares of need and of grants. The lower the grants curve, the more grants go to the households in most need.",
        340,
    );
    let _ = write!(
        page,
        "<rect x=\"{x0}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#616e7c\"/>\n\
         <line x1=\"{x0}\" y1=\"{y0}\" x2=\"{right}\" y2=\"{top}\" stroke=\"#616e7c\" stroke-dasharray=\"4 4\"/>\n\
         <polyline fill=\"none\" stroke=\"#1971c2\" stroke-width=\"2.5\" points=\"{need}\"/>\n\
         <polyline fill=\"none\" stroke=\"#d9480f\" stroke-width=\"2.5\" stroke-dasharray=\"8 3\" points=\"{grants}\"/>\n\
         <text x=\"{x0}\" y=\"{below}\">户：需求由低到高 → households</text>\n\
         <text x=\"0\" y=\"{top_label}\">累计</text>\n\
         <text x=\"0\" y=\"{top_label2}\">share</text>\n\
         <line x1=\"0\" y1=\"{l1}\" x2=\"24\" y2=\"{l1}\" stroke=\"#1971c2\" stroke-width=\"2.5\"/><text x=\"30\" y=\"{t1}\">需求 need</text>\n\
         <line x1=\"120\" y1=\"{l1}\" x2=\"144\" y2=\"{l1}\" stroke=\"#d9480f\" stroke-width=\"2.5\" stroke-dasharray=\"8 3\"/><text x=\"150\" y=\"{t1}\">补助 grants</text>\n\
         <line x1=\"250\" y1=\"{l1}\" x2=\"274\" y2=\"{l1}\" stroke=\"#616e7c\" stroke-dasharray=\"4 4\"/><text x=\"280\" y=\"{t1}\">均等 equal</text>\n",
        top = y0 - size,
        right = x0 + size,
        need = line(|p| p.need),
        grants = line(|p| p.grants),
        below = y0 + 20,
        top_label = y0 - size + 12,
        top_label2 = y0 - size + 28,
        l1 = y0 + 50,
        t1 = y0 + 55,
    );
    page.push_str("</svg>\n");
    data_table(
        page,
        &["住户累计 Households", "需求累计 Need", "补助累计 Grants"],
        after
            .fairness
            .lorenz
            .iter()
            .map(|p| vec![percent(p.households), percent(p.need), percent(p.grants)])
            .collect(),
    );
    page.push_str("</figure>\n");
}

/// The needs heat map (社区需求热力图): one cell per building, its colour the
/// mean need score, its text the score and the open petitions.
fn heat_map(page: &mut String, b: &Before) {
    let buildings = &b.needs.buildings;
    if buildings.is_empty() {
        return;
    }
    // The buildings with the most need, drawn in building order.
    let mut shown: Vec<&super::BuildingLine> = buildings.iter().collect();
    if shown.len() > MAX_HEAT_CELLS {
        shown.sort_by(|x, y| {
            y.mean_score
                .cmp(&x.mean_score)
                .then_with(|| x.building.cmp(&y.building))
        });
        shown.truncate(MAX_HEAT_CELLS);
        shown.sort_by(|x, y| x.building.cmp(&y.building));
    }
    let (columns, cell_w, cell_h) = (5u64, 70u64, 62u64);
    let rows = (shown.len() as u64).div_ceil(columns);
    let legend_y = rows * (cell_h + 2) + 8;
    let height = legend_y + 40;
    // Steps spread over the buildings' own range of scores: the map shows
    // where need is higher than elsewhere in this community.
    let low = buildings
        .iter()
        .map(|l| l.mean_score)
        .min()
        .unwrap_or_default();
    let high = buildings
        .iter()
        .map(|l| l.mean_score)
        .max()
        .unwrap_or_default();
    let step_of = |score: Decimal| -> usize {
        let range = high - low;
        if range <= Decimal::ZERO {
            return HEAT.len() / 2;
        }
        let step = ((score - low) / range * Decimal::from(HEAT.len() as u64)).floor();
        usize::try_from(step.mantissa().max(0) / 10i128.pow(step.scale()))
            .unwrap_or(0)
            .min(HEAT.len() - 1)
    };
    let title = bi("社区需求热力图", "Needs heat map by building");
    let desc = format!(
        "每格一栋楼：颜色越深，平均需求分越高；格内为楼号、平均需求分和未解决诉求数。{}One cell per building: the darker, the higher its mean need score; each cell shows the building, its mean score and its open petitions.",
        if buildings.len() > shown.len() {
            format!(
                "共 {} 栋，图中为需求最高的 {} 栋，表中为全部。 ",
                grouped(buildings.len() as u64),
                shown.len()
            )
        } else {
            String::new()
        }
    );
    figure_open(page, "heat", &title, &desc, height);
    for (i, line) in shown.iter().enumerate() {
        let (col, row) = (i as u64 % columns, i as u64 / columns);
        let (x, y) = (col * (cell_w + 2), row * (cell_h + 2));
        let (fill, ink) = HEAT
            .get(step_of(line.mean_score))
            .copied()
            .unwrap_or(HEAT[0]);
        let _ = writeln!(
            page,
            "<rect class=\"c\" x=\"{x}\" y=\"{y}\" width=\"{cell_w}\" height=\"{cell_h}\" fill=\"{fill}\"/>\
             <text x=\"{tx}\" y=\"{t1}\" font-weight=\"bold\" fill=\"{ink}\">{b}</text>\
             <text x=\"{tx}\" y=\"{t2}\" fill=\"{ink}\">{s}</text>\
             <text x=\"{tx}\" y=\"{t3}\" fill=\"{ink}\">诉求 {p}</text>",
            tx = x + 5,
            t1 = y + 17,
            t2 = y + 35,
            t3 = y + 53,
            b = escape(&line.building),
            s = text::score(line.mean_score),
            p = grouped(line.open_petitions),
        );
    }
    heat_legend(page, legend_y, low, high);
    page.push_str("</svg>\n");
    data_table(
        page,
        &[
            "楼栋 Building",
            "户数 Households",
            "平均需求分 Mean need score",
            "未解决诉求 Open petitions",
        ],
        buildings
            .iter()
            .map(|l| {
                vec![
                    escape(&l.building),
                    grouped(l.households),
                    text::score(l.mean_score),
                    grouped(l.open_petitions),
                ]
            })
            .collect(),
    );
    page.push_str("</figure>\n");
}

/// The heat map's legend: its steps, low to high, with the scores at the ends.
fn heat_legend(page: &mut String, legend_y: u64, low: Decimal, high: Decimal) {
    let _ = write!(
        page,
        "<text x=\"0\" y=\"{ty}\">{} 低</text>",
        text::score(low),
        ty = legend_y + 24
    );
    for (i, (fill, _)) in HEAT.iter().enumerate() {
        let _ = write!(
            page,
            "<rect class=\"c\" x=\"{x}\" y=\"{legend_y}\" width=\"36\" height=\"34\" fill=\"{fill}\"/>",
            x = 72 + 38 * i as u64
        );
    }
    let _ = writeln!(
        page,
        "<text x=\"{x}\" y=\"{ty}\">高 {}</text>",
        text::score(high),
        x = 72 + 38 * HEAT.len() as u64 + 4,
        ty = legend_y + 24
    );
}

/// Opens a chart: a figure with its caption, and the SVG `WIDTH × height`
/// with its title and description for screen readers.
fn figure_open(page: &mut String, id: &str, title: &str, desc: &str, height: u64) {
    let _ = writeln!(
        page,
        "<figure>\n<figcaption id=\"{id}-t\">{title}</figcaption>\n\
         <svg viewBox=\"0 0 {WIDTH} {height}\" font-size=\"13\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\n\
         <title>{plain_title}</title>\n<desc id=\"{id}-d\">{d}</desc>",
        plain_title = strip_tags(title),
        d = escape(desc)
    );
}

/// A chart's numbers as a table behind a disclosure: reachable by a screen
/// reader and by anyone who wants the figures.
fn data_table(page: &mut String, headings: &[&str], rows: Vec<Vec<String>>) {
    let _ = write!(
        page,
        "<details><summary>数据表 {}</summary><div class=\"scroll\"><table>\n<tr>",
        en("Data table")
    );
    for (i, h) in headings.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"n\"" };
        let _ = write!(page, "<th{class}>{}</th>", escape(h));
    }
    page.push_str("</tr>\n");
    for row in rows {
        page.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"n\"" };
            let _ = write!(page, "<td{class}>{cell}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table></div></details>\n");
}

/// `value / max × width`, in integers.
fn scale(value: u64, max: u64, width: u64) -> u64 {
    u64::try_from(
        u128::from(value)
            .saturating_mul(u128::from(width))
            .checked_div(u128::from(max.max(1)))
            .unwrap_or(0),
    )
    .unwrap_or(width)
}

/// `share × width`, rounded, within `0..=width` (a share above 1 fills the width).
fn share_width(share: Decimal, width: u64) -> u64 {
    share
        .min(Decimal::ONE)
        .checked_mul(Decimal::from(width))
        .and_then(|w| u64::try_from(w.round()).ok())
        .unwrap_or(0)
}

/// `part / whole` as a percentage with one decimal.
fn share(part: u64, whole: u64) -> String {
    percent(super::ratio(u128::from(part), u128::from(whole)))
}

/// Chinese, then the English marked as English.
fn bi(zh: &str, english: &str) -> String {
    format!("{} {}", escape(zh), en(english))
}

/// English words, marked as English on a Chinese page.
fn en(english: &str) -> String {
    format!("<span lang=\"en\">{}</span>", escape(english))
}

/// A label as HTML: Chinese, then the English marked (once if they are the same).
fn label(l: &Label) -> String {
    if l.zh == l.en {
        escape(&l.zh)
    } else {
        bi(&l.zh, &l.en)
    }
}

/// A label as plain text (for SVG text and tables of names).
fn plain(l: &Label) -> String {
    if l.zh == l.en {
        l.zh.clone()
    } else {
        format!("{} {}", l.zh, l.en)
    }
}

/// HTML with its tags taken out (for an SVG `<title>`, which holds text).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }

    /// A project's reason names its steps by their English labels, without
    /// the backticks the library's reasons quote ids in; an id without a
    /// label is shown as it is, and an unpaired backtick is kept.
    #[test]
    fn reasons_name_steps_by_their_labels() {
        let labels = Labels::default();
        assert_eq!(
            text::step_words(
                "expected to end on 2026-10-21: `evaluate` is overdue",
                &labels
            ),
            "expected to end on 2026-10-21: Evaluation is overdue"
        );
        assert_eq!(
            text::step_words("`paint` is blocked since 2026-09-01: rain", &labels),
            "paint is blocked since 2026-09-01: rain"
        );
        assert_eq!(text::step_words("a ` b", &labels), "a ` b");
        assert_eq!(
            text::step_words("3 of 4 steps done", &labels),
            "3 of 4 steps done"
        );
    }

    /// WCAG 2 contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |hex: &str| {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn colours_keep_wcag_aa_contrast() {
        // Graphics: 3:1 against the page.
        for colour in PALETTE
            .iter()
            .chain(["#c92a2a", "#2b8a3e", "#616e7c"].iter())
        {
            assert!(contrast(colour, "#ffffff") >= 3.0, "{colour}");
        }
        // Text: 4.5:1, on the page and on the cards.
        for text in ["#1f2933", "#52606d", "#237032", "#c92a2a", "#1864ab"] {
            assert!(STYLE.contains(text), "{text} is not in the style");
            assert!(contrast(text, "#ffffff") >= 4.5, "{text}");
            assert!(contrast(text, "#f8f9fa") >= 4.5, "{text} on a card");
        }
        // The heat map's text on each of its cells.
        for (fill, ink) in HEAT {
            assert!(contrast(fill, ink) >= 4.5, "{ink} on {fill}");
        }
    }

    #[test]
    fn english_is_marked_and_labels_say_each_word_once() {
        assert_eq!(bi("高", "High"), "高 <span lang=\"en\">High</span>");
        assert_eq!(label(&Label::new("x", "x")), "x");
        assert_eq!(strip_tags(&bi("高", "High")), "高 High");
    }
}
