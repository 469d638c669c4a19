//! The article's newborn surge (新生儿激增): a quarter's budget split into pools,
//! shared among service lines, and the lines rebalanced when births jump, so that
//! childcare rises from 20% to 35% while the idle seniors' room shrinks.
//!
//! Run with `cargo run --example newborn_surge`.

#![allow(
    clippy::print_stdout,
    reason = "an example shows its results on standard output"
)]

use chrono::NaiveDate;
use guided_community::pools::{
    self, ApportionMethod, BaseRule, CoFundingRules, Draw, LineDemand, NeedClass, PoolPolicy,
    QuarterEnd, RebalancePolicy, Reserve, ServiceLine, UrgentDemand,
};
use guided_community::report::text::yuan;
use rust_decimal::dec;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The quarter's budget, split into the three pools: 5% reserve off the top,
    //    then 70:30 (66.5% / 28.5% / 5%), exactly to the fen.
    let budget: pools::Fen = "300000.00".parse()?;
    let split = PoolPolicy::default().split(budget)?;
    println!(
        "budget {}: base {}, dynamic {}, reserve {}",
        yuan(budget),
        yuan(split.base),
        yuan(split.dynamic),
        yuan(split.emergency)
    );

    // 2. The base pool by a fixed rule: per head served.
    let line = |id: &str, heads| ServiceLine {
        id: id.into(),
        heads,
        quota: None,
    };
    let lines = [
        line("childcare", 60),
        line("seniors-room", 90),
        line("culture", 75),
        line("health", 75),
    ];
    let base = pools::allocate_base(split.base, &lines, BaseRule::PerHead)?;
    for l in &base.lines {
        println!(
            "  base   {:<14} {:>12}  ({})",
            l.id,
            yuan(l.amount),
            l.reason
        );
    }

    // 3. The dynamic pool by urgency-weighted demand; nobody gets more than asked.
    let urgent = |id: &str, urgency, requested: &str| -> Result<UrgentDemand, pools::Error> {
        Ok(UrgentDemand {
            id: id.into(),
            urgency,
            requested: requested.parse()?,
        })
    };
    let requests = [
        urgent("extra-nursery-staff", dec!(3), "60000")?,
        urgent("stair-lift-repair", dec!(3), "8000")?,
        urgent("summer-reading-club", dec!(1), "20000")?,
    ];
    let dynamic = pools::allocate_dynamic(split.dynamic, &requests, ApportionMethod::Hamilton)?;
    for l in &dynamic.lines {
        println!(
            "  dynamic {:<20} {:>12}  ({})",
            l.id,
            yuan(l.amount),
            l.reason
        );
    }
    println!("  dynamic unallocated {}", yuan(dynamic.unallocated));

    // 4. The reserve: one draw, then released into next quarter at quarter end.
    let date = NaiveDate::from_ymd_opt(2025, 7, 21).ok_or("bad date")?;
    let reserve = Reserve::new(split.emergency).draw(Draw {
        reason: "heatwave cooling centre".into(),
        amount: "4200".parse()?,
        date,
    })?;
    let close = reserve.close_quarter(QuarterEnd::Release);
    println!(
        "reserve: drew {}, releases {} into next quarter",
        yuan(close.drawn),
        yuan(close.released)
    );

    // 5. The newborn surge: childcare applications jump, the seniors' room is idle.
    let demand = |id: &str, share, demand| LineDemand {
        id: id.into(),
        share,
        demand,
    };
    let now = [
        demand("childcare", dec!(20), dec!(420)),
        demand("seniors-room", dec!(30), dec!(60)),
        demand("culture", dec!(25), dec!(250)),
        demand("health", dec!(25), dec!(270)),
    ];
    println!("rebalancing (at most 15 points a quarter, at least 5% each):");
    for next in pools::rebalance(&now, &RebalancePolicy::default())? {
        println!(
            "  {:<14} {:>5}% → {:>6}%  (demand says {}%: {})",
            next.id, next.previous, next.share, next.target, next.movement
        );
    }

    // 6. A new nursery room is basic livelihood: the government pays 70%.
    for payment in
        CoFundingRules::default().split(NeedClass::BasicLivelihood, "85000.00".parse()?)?
    {
        println!(
            "  nursery room: {:<10} pays {}",
            payment.party,
            yuan(payment.amount)
        );
    }
    Ok(())
}
