//! Words for people: the Chinese and English label of every id a resident sees
//! in the report (groups, need tiers, decision steps, petition categories,
//! the needs matrix's dimensions, project steps, fund expense accounts).
//! Labels are data: a community renames its groups in its policy, and the
//! report carries the labels it was made with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One id's label, Chinese first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Chinese (shown first).
    pub zh: String,
    /// English (shown after, marked as English on the page).
    pub en: String,
}

impl Label {
    /// A label from its two words.
    pub fn new(zh: &str, en: &str) -> Self {
        Self {
            zh: zh.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// The labels of a report's ids; an id without a label is shown as it is.
///
/// ```
/// use guided_community::report::{Label, Labels};
///
/// let mut labels = Labels::default();
/// assert_eq!(labels.group("seniors-alone").zh, "独居老人");
/// // A community names its own groups.
/// labels.groups.insert("dock-workers".into(), Label::new("码头工人家庭", "Dock workers' households"));
/// assert_eq!(labels.group("dock-workers").en, "Dock workers' households");
/// // An id nobody labelled is shown as it is.
/// assert_eq!(labels.group("unnamed").zh, "unnamed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Labels {
    /// Fairness groups (`seniors-alone`, `young-renters`, …).
    pub groups: BTreeMap<String, Label>,
    /// Need tiers (`high`, `medium`, `low`).
    pub tiers: BTreeMap<String, Label>,
    /// Decision steps (`published`, `in-effect`, …).
    pub steps: BTreeMap<String, Label>,
    /// Petition categories (`elevator`, `water`, …).
    pub categories: BTreeMap<String, Label>,
    /// Needs-matrix dimensions (`population`, `health`, …); a dimension
    /// without a label is shown by its matrix name.
    pub dimensions: BTreeMap<String, Label>,
    /// The steps of a decision's project plan (`design`, `evaluate`, …).
    pub tasks: BTreeMap<String, Label>,
    /// The community fund's expense accounts (`cleaning`, `repairs`, …).
    pub expenses: BTreeMap<String, Label>,
}

impl Default for Labels {
    /// The sample communities' groups, the default tiers, every decision step
    /// and the common petition categories.
    fn default() -> Self {
        let map = |pairs: &[(&str, &str, &str)]| {
            pairs
                .iter()
                .map(|(id, zh, en)| ((*id).to_owned(), Label::new(zh, en)))
                .collect()
        };
        Self {
            groups: map(&[
                ("seniors-alone", "独居老人", "Seniors living alone"),
                ("seniors", "老年家庭", "Older households"),
                ("young-families", "婴幼儿家庭", "Families with infants"),
                ("young-renters", "青年租户", "Young renters"),
                ("floating", "流动人口", "Floating residents"),
                ("disability", "残疾人家庭", "Households with a disability"),
                ("other", "其他", "Other households"),
            ]),
            tiers: map(&[
                ("high", "高", "High need"),
                ("medium", "中", "Medium need"),
                ("low", "低", "Low need"),
            ]),
            steps: map(&[
                ("propose", "已提议", "proposed"),
                ("consult", "商议中", "being consulted"),
                ("review", "审议中", "under review"),
                ("resolved", "已表决", "voted, not yet published"),
                ("published", "公示中", "published for objections"),
                ("in-effect", "已生效", "in effect"),
                ("rejected", "未通过", "rejected"),
            ]),
            categories: map(&[
                ("elevator", "电梯", "Lifts"),
                ("water", "供水漏水", "Water and leaks"),
                ("noise", "噪音", "Noise"),
                ("parking", "停车", "Parking"),
                ("sanitation", "环境卫生", "Sanitation"),
                ("greenery", "绿化", "Greenery"),
                ("suggestion", "建议", "Suggestions"),
                ("heating", "供暖", "Heating"),
                ("safety", "安全", "Safety"),
                ("allocation", "分配", "Allocation"),
            ]),
            // The article's matrix (its names read "Health (健康状况)").
            dimensions: map(&[
                ("population", "人口结构", "Population structure"),
                ("health", "健康状况", "Health"),
                ("economic", "经济状况", "Economic status"),
                ("participation", "参与意愿", "Willingness to take part"),
                ("special", "特殊需求", "Special needs"),
            ]),
            tasks: map(&[
                ("survey", "调研", "Survey"),
                ("design", "设计", "Design"),
                ("procure", "采购", "Procurement"),
                ("build", "施工", "Construction"),
                ("install", "安装", "Installation"),
                ("inspect", "验收", "Inspection"),
                ("recruit", "招募", "Recruitment"),
                ("train", "培训", "Training"),
                ("open", "开班", "Opening"),
                ("evaluate", "评估", "Evaluation"),
            ]),
            expenses: map(&[
                ("cleaning", "保洁", "Cleaning"),
                ("repairs", "维修", "Repairs"),
                ("greening", "绿化", "Greening"),
                ("security", "安保", "Security"),
                ("utilities", "水电", "Utilities"),
                ("activities", "活动", "Activities"),
            ]),
        }
    }
}

impl Labels {
    /// A group's label.
    pub fn group(&self, id: &str) -> Label {
        find(&self.groups, id)
    }

    /// A need tier's label.
    pub fn tier(&self, id: &str) -> Label {
        find(&self.tiers, id)
    }

    /// A decision step's label.
    pub fn step(&self, id: &str) -> Label {
        find(&self.steps, id)
    }

    /// A petition category's label.
    pub fn category(&self, id: &str) -> Label {
        find(&self.categories, id)
    }

    /// A project step's label.
    pub fn task(&self, id: &str) -> Label {
        find(&self.tasks, id)
    }

    /// A fund expense account's label.
    pub fn expense(&self, id: &str) -> Label {
        find(&self.expenses, id)
    }
}

fn find(map: &BTreeMap<String, Label>, id: &str) -> Label {
    map.get(id).cloned().unwrap_or_else(|| Label::new(id, id))
}
