//! Earning rules: what an activity is worth, as data.

use serde::{Deserialize, Serialize};

use crate::{Amount, Error, Result};

/// What an earning rule's rate is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Per {
    /// Per occasion (a meeting attended, a session given): quantities are whole.
    Occasion,
    /// Per hour of activity: quantities may be fractional hours.
    Hour,
}

/// One earning rule: `points` per [`Per`] unit of `activity`, with optional caps
/// per resident and an optional validity for the points it issues.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EarningRule {
    /// The activity's identifier, e.g. `deliberation`.
    pub activity: String,
    /// Points earned per unit.
    pub points: Amount,
    /// The unit the rate is counted per.
    pub per: Per,
    /// At most this many points from this activity per resident per calendar day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cap: Option<Amount>,
    /// At most this many points from this activity per resident per calendar month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cap: Option<Amount>,
    /// Points from this activity expire this many days after they are posted
    /// (booked to the breakage account); `None` means they never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after_days: Option<u32>,
}

impl EarningRule {
    /// `points` per `per` of `activity`, without caps or expiry.
    pub fn new(activity: impl Into<String>, points: Amount, per: Per) -> Self {
        Self {
            activity: activity.into(),
            points,
            per,
            daily_cap: None,
            monthly_cap: None,
            expires_after_days: None,
        }
    }
}

/// A table of earning rules, looked up by activity.
///
/// ```
/// use guided_community_points::{Amount, EarningRule, EarningRules, Per};
///
/// let rules = EarningRules::new(vec![EarningRule::new("garden-care", Amount::from_whole(3), Per::Hour)]);
/// assert_eq!(rules.points_for("garden-care", Amount::from_whole(2))?, Amount::from_whole(6));
/// assert!(rules.points_for("deliberation", Amount::from_whole(1)).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EarningRules(Vec<EarningRule>);

impl EarningRules {
    /// No rules: nothing earns points (what a ledger has until it is configured).
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// A table of rules. When two rules name the same activity, the first wins.
    pub fn new(rules: Vec<EarningRule>) -> Self {
        Self(rules)
    }

    /// The articles' values: [`EarningRules::default`].
    pub(crate) fn article() -> Self {
        let rule = |activity: &str, points, per| {
            EarningRule::new(activity, Amount::from_whole(points), per)
        };
        Self(vec![
            rule("deliberation", 10, Per::Occasion),
            rule("volunteering", 5, Per::Hour),
            rule("skill-sharing", 15, Per::Occasion),
        ])
    }

    /// The rules, in lookup order.
    pub fn rules(&self) -> &[EarningRule] {
        &self.0
    }

    /// The rule for `activity`, if there is one.
    pub fn rule(&self, activity: &str) -> Option<&EarningRule> {
        self.0.iter().find(|rule| rule.activity == activity)
    }

    /// The points earned by `quantity` units (occasions or hours) of `activity`,
    /// rounded toward zero to the hundredth.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownActivity`] if no rule names the activity,
    /// [`Error::NonPositiveQuantity`] for a quantity ≤ 0,
    /// [`Error::FractionalOccasions`] for a fractional number of occasions, and
    /// [`Error::Overflow`] if the product does not fit.
    pub fn points_for(&self, activity: &str, quantity: Amount) -> Result<Amount> {
        let rule = self.rule(activity).ok_or_else(|| Error::UnknownActivity {
            activity: activity.to_owned(),
        })?;
        if !quantity.is_positive() {
            return Err(Error::NonPositiveQuantity {
                activity: activity.to_owned(),
                quantity,
            });
        }
        if rule.per == Per::Occasion && !quantity.is_whole() {
            return Err(Error::FractionalOccasions {
                activity: activity.to_owned(),
                quantity,
            });
        }
        rule.points.checked_mul(&quantity)
    }
}

impl Default for EarningRules {
    /// The article's rules: `deliberation` 10 points an occasion, `volunteering`
    /// 5 points an hour, `skill-sharing` 15 points an occasion.
    fn default() -> Self {
        Self::article()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Amount {
        text.parse().unwrap()
    }

    #[test]
    fn article_rates() {
        let rules = EarningRules::default();
        let check = |activity: &str, quantity: &str, expected: &str| {
            assert_eq!(
                rules.points_for(activity, amount(quantity)),
                Ok(amount(expected)),
                "{activity} × {quantity}"
            );
        };
        check("deliberation", "1", "10");
        check("deliberation", "3", "30");
        check("volunteering", "1", "5");
        check("volunteering", "2.5", "12.5");
        check("volunteering", "0.01", "0.05");
        check("skill-sharing", "2", "30");
    }

    #[test]
    fn invalid_claims_are_typed_errors() {
        let rules = EarningRules::default();
        assert_eq!(
            rules.points_for("dancing", amount("1")),
            Err(Error::UnknownActivity {
                activity: "dancing".into()
            })
        );
        assert_eq!(
            rules.points_for("volunteering", amount("0")),
            Err(Error::NonPositiveQuantity {
                activity: "volunteering".into(),
                quantity: Amount::ZERO
            })
        );
        assert_eq!(
            rules.points_for("deliberation", amount("1.5")),
            Err(Error::FractionalOccasions {
                activity: "deliberation".into(),
                quantity: amount("1.5")
            })
        );
    }

    #[test]
    fn rules_are_data() {
        let json = serde_json::to_string(&EarningRules::default()).unwrap();
        assert_eq!(
            json,
            r#"[{"activity":"deliberation","points":"10","per":"occasion"},{"activity":"volunteering","points":"5","per":"hour"},{"activity":"skill-sharing","points":"15","per":"occasion"}]"#
        );
        let back: EarningRules = serde_json::from_str(&json).unwrap();
        assert_eq!(back, EarningRules::default());
    }
}
