//! Classification: a rule table, as data, that decides a petition's colour and
//! says which rules decided it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Colour, Error, Result};

/// A resident's circumstances that make a petition more urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vulnerability {
    /// Aged 80 or more and living alone (高龄独居).
    Aged80LivingAlone,
    /// A disability (残疾).
    Disability,
    /// Serious illness.
    SeriouslyIll,
    /// A child under three in the household.
    YoungChild,
}

/// An emergency service the petition should be referred to at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmergencyService {
    /// Police, 110.
    Police,
    /// Fire and rescue, 119.
    Fire,
    /// Ambulance, 120.
    Ambulance,
}

impl EmergencyService {
    /// The number to call.
    pub const fn number(self) -> u16 {
        match self {
            Self::Police => 110,
            Self::Fire => 119,
            Self::Ambulance => 120,
        }
    }
}

/// A keyword that raises the colour, and may call for an emergency service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeywordRule {
    /// Matched anywhere in the text, ignoring case.
    pub keyword: String,
    /// The least colour when it matches.
    pub colour: Colour,
    /// A life-safety keyword: refer to this service too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyService>,
}

/// A vulnerability that raises the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VulnerabilityRule {
    /// The circumstance.
    pub vulnerability: Vulnerability,
    /// The least colour when it applies.
    pub colour: Colour,
}

/// The triage rules: a base colour per category, then keyword and vulnerability
/// rules that can only raise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TriageRules {
    /// The colour of a category not listed.
    pub default_colour: Colour,
    /// Base colour per category.
    pub categories: BTreeMap<String, Colour>,
    /// Keyword rules, in order.
    pub keywords: Vec<KeywordRule>,
    /// Vulnerability rules.
    pub vulnerabilities: Vec<VulnerabilityRule>,
}

impl TriageRules {
    /// The articles' values: [`TriageRules::default`].
    pub(crate) fn article() -> Self {
        use Colour::{Blue, Red, Yellow};
        use EmergencyService::{Ambulance, Fire, Police};
        let categories = [
            ("safety", Red),
            ("elevator", Yellow),
            ("water", Yellow),
            ("electricity", Yellow),
            ("heating", Yellow),
            ("gas", Yellow),
            ("sanitation", Blue),
            ("noise", Blue),
            ("parking", Blue),
            ("greenery", Blue),
            ("suggestion", Blue),
        ]
        .into_iter()
        .map(|(c, colour)| (c.to_owned(), colour))
        .collect();
        let keyword = |keyword: &str, colour, emergency| KeywordRule {
            keyword: keyword.to_owned(),
            colour,
            emergency,
        };
        let keywords = vec![
            keyword("着火", Red, Some(Fire)),
            keyword("火灾", Red, Some(Fire)),
            keyword("冒烟", Red, Some(Fire)),
            keyword("燃气泄漏", Red, Some(Fire)),
            keyword("煤气味", Red, Some(Fire)),
            keyword("困人", Red, Some(Fire)),
            keyword("fire", Red, Some(Fire)),
            keyword("smoke", Red, Some(Fire)),
            keyword("gas leak", Red, Some(Fire)),
            keyword("trapped", Red, Some(Fire)),
            keyword("晕倒", Red, Some(Ambulance)),
            keyword("昏迷", Red, Some(Ambulance)),
            keyword("呼吸困难", Red, Some(Ambulance)),
            keyword("胸痛", Red, Some(Ambulance)),
            keyword("unconscious", Red, Some(Ambulance)),
            keyword("not breathing", Red, Some(Ambulance)),
            keyword("chest pain", Red, Some(Ambulance)),
            keyword("打人", Red, Some(Police)),
            keyword("家暴", Red, Some(Police)),
            keyword("持刀", Red, Some(Police)),
            keyword("assault", Red, Some(Police)),
            keyword("domestic violence", Red, Some(Police)),
            keyword("漏电", Red, None),
            keyword("电线裸露", Red, None),
            keyword("exposed wire", Red, None),
            keyword("漏水", Yellow, None),
            keyword("停水", Yellow, None),
            keyword("停电", Yellow, None),
            keyword("leak", Yellow, None),
            keyword("no water", Yellow, None),
            keyword("power cut", Yellow, None),
        ];
        let vulnerabilities = vec![
            VulnerabilityRule {
                vulnerability: Vulnerability::Aged80LivingAlone,
                colour: Yellow,
            },
            VulnerabilityRule {
                vulnerability: Vulnerability::Disability,
                colour: Yellow,
            },
            VulnerabilityRule {
                vulnerability: Vulnerability::SeriouslyIll,
                colour: Yellow,
            },
        ];
        Self {
            default_colour: Blue,
            categories,
            keywords,
            vulnerabilities,
        }
    }
}

impl Default for TriageRules {
    /// A starting table for a community (Chinese and English keywords). Life-safety
    /// keywords are red and refer to 110 (violence, theft), 119 (fire, gas, people
    /// trapped) or 120 (a medical emergency); an 80-year-old living alone, a
    /// disability or serious illness makes a petition at least yellow.
    fn default() -> Self {
        Self::article()
    }
}

/// What a resident reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Submission {
    /// The category chosen at intake.
    pub category: String,
    /// The resident's own words.
    pub text: String,
    /// Circumstances that make it more urgent.
    #[serde(default)]
    pub vulnerabilities: Vec<Vulnerability>,
}

/// A rule that contributed to a colour.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum FiredRule {
    /// The category's base colour.
    Category {
        /// The category.
        category: String,
    },
    /// The default colour for an unlisted category.
    Default,
    /// A keyword matched.
    Keyword {
        /// The keyword.
        keyword: String,
    },
    /// A vulnerability applied.
    Vulnerability {
        /// The vulnerability.
        vulnerability: Vulnerability,
    },
    /// A person overrode the colour.
    Override {
        /// Why.
        reason: String,
    },
}

/// A rule that fired, and the colour it asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fired {
    /// The rule.
    pub rule: FiredRule,
    /// The colour it asked for (a rule can only raise the colour).
    pub colour: Colour,
}

/// A classification: the colour, every rule that fired, and the emergency services
/// to refer to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Triage {
    /// The colour.
    pub colour: Colour,
    /// The rules that fired, in order.
    pub fired: Vec<Fired>,
    /// Refer to these at once (life-safety keywords), in order of number.
    pub refer_to: Vec<EmergencyService>,
}

/// Classifies a submission: the category's base colour, raised by every keyword in
/// the text and every vulnerability that applies.
///
/// ```
/// use guided_community_triage::{classify, Colour, EmergencyService, Submission, TriageRules, Vulnerability};
///
/// let rules = TriageRules::default();
/// let report = Submission {
///     category: "noise".into(),
///     text: "楼上一直有烟味,还冒烟了".into(),
///     vulnerabilities: vec![Vulnerability::Aged80LivingAlone],
/// };
/// let triage = classify(&report, &rules);
/// assert_eq!(triage.colour, Colour::Red);
/// assert_eq!(triage.refer_to, [EmergencyService::Fire]); // call 119
/// assert_eq!(triage.fired.len(), 3); // the category, the keyword, the vulnerability
/// ```
pub fn classify(submission: &Submission, rules: &TriageRules) -> Triage {
    let mut fired = Vec::new();
    let (rule, base) = if let Some(&colour) = rules.categories.get(&submission.category) {
        let category = submission.category.clone();
        (FiredRule::Category { category }, colour)
    } else {
        (FiredRule::Default, rules.default_colour)
    };
    fired.push(Fired { rule, colour: base });
    let text = submission.text.to_lowercase();
    let mut refer_to = Vec::new();
    let mut colour = base;
    for rule in &rules.keywords {
        if text.contains(&rule.keyword.to_lowercase()) {
            colour = colour.max(rule.colour);
            refer_to.extend(rule.emergency);
            fired.push(Fired {
                rule: FiredRule::Keyword {
                    keyword: rule.keyword.clone(),
                },
                colour: rule.colour,
            });
        }
    }
    for rule in &rules.vulnerabilities {
        if submission.vulnerabilities.contains(&rule.vulnerability) {
            colour = colour.max(rule.colour);
            fired.push(Fired {
                rule: FiredRule::Vulnerability {
                    vulnerability: rule.vulnerability,
                },
                colour: rule.colour,
            });
        }
    }
    refer_to.sort_unstable();
    refer_to.dedup();
    Triage {
        colour,
        fired,
        refer_to,
    }
}

/// A person's override of the colour, up or down, recorded with its reason.
///
/// ```
/// use guided_community_triage::{classify, override_colour, Colour, Submission, TriageRules};
///
/// let triage = classify(&Submission { category: "noise".into(), text: "loud music".into(), vulnerabilities: vec![] }, &TriageRules::default());
/// let raised = override_colour(&triage, Colour::Yellow, "third complaint this week; neighbour is a night-shift nurse")?;
/// assert_eq!(raised.colour, Colour::Yellow);
/// assert!(override_colour(&triage, Colour::Red, " ").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::MissingReason`] for an empty reason.
pub fn override_colour(triage: &Triage, colour: Colour, reason: &str) -> Result<Triage> {
    if reason.trim().is_empty() {
        return Err(Error::MissingReason);
    }
    let mut overridden = triage.clone();
    overridden.colour = colour;
    overridden.fired.push(Fired {
        rule: FiredRule::Override {
            reason: reason.to_owned(),
        },
        colour,
    });
    Ok(overridden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(category: &str, text: &str, vulnerabilities: Vec<Vulnerability>) -> Submission {
        Submission {
            category: category.into(),
            text: text.into(),
            vulnerabilities,
        }
    }

    #[test]
    fn rules_only_raise() {
        let rules = TriageRules::default();
        let t = classify(&submission("safety", "leak", vec![]), &rules);
        assert_eq!(
            t.colour,
            Colour::Red,
            "a yellow keyword does not lower a red category"
        );
        let t = classify(
            &submission("noise", "", vec![Vulnerability::Disability]),
            &rules,
        );
        assert_eq!(t.colour, Colour::Yellow);
        let t = classify(&submission("unheard-of", "", vec![]), &rules);
        assert_eq!(
            (t.colour, &t.fired[0].rule),
            (Colour::Blue, &FiredRule::Default)
        );
    }

    #[test]
    fn life_safety_refers_to_emergency_services() {
        let rules = TriageRules::default();
        let t = classify(
            &submission("other", "Neighbour UNCONSCIOUS, and there is smoke", vec![]),
            &rules,
        );
        assert_eq!(t.colour, Colour::Red);
        assert_eq!(
            t.refer_to,
            [EmergencyService::Fire, EmergencyService::Ambulance]
        );
        assert_eq!(
            t.refer_to.iter().map(|s| s.number()).collect::<Vec<_>>(),
            [119, 120]
        );
        let t = classify(&submission("water", "楼道漏水", vec![]), &rules);
        assert!(t.refer_to.is_empty());
        assert_eq!(t.colour, Colour::Yellow);
    }

    #[test]
    fn the_rule_table_is_data() {
        let rules = TriageRules::default();
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<TriageRules>(&json).unwrap(), rules);
    }
}
