//! Seeded random volunteer pools for Monte-Carlo studies of the council
//! lottery: each volunteer draws each attribute's value uniformly.

use crate::council::Volunteer;
use crate::rng::SplitMix64;
use crate::{Error, Result};

/// The most volunteers a random pool has.
pub const MAX_VOLUNTEERS: usize = 100_000;

/// `size` volunteers `v1`, `v2`, …, each with one value of every attribute
/// (name and its values), drawn uniformly from `seed`.
///
/// ```
/// use guided_community_deliberation::random_pool;
///
/// let attributes = vec![("age".to_owned(), vec!["young".to_owned(), "senior".to_owned()])];
/// let pool = random_pool(10, &attributes, 1)?;
/// assert_eq!(pool.len(), 10);
/// assert_eq!(pool, random_pool(10, &attributes, 1)?);
/// # Ok::<(), guided_community_deliberation::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Generate`] for no volunteers, more than [`MAX_VOLUNTEERS`], or an
/// attribute without values.
pub fn random_pool(
    size: usize,
    attributes: &[(String, Vec<String>)],
    seed: u64,
) -> Result<Vec<Volunteer>> {
    if size == 0 || size > MAX_VOLUNTEERS {
        return Err(Error::Generate {
            reason: format!("{size} volunteers: a pool has 1 to 100,000"),
        });
    }
    if let Some((name, _)) = attributes.iter().find(|(_, values)| values.is_empty()) {
        return Err(Error::Generate {
            reason: format!("the attribute `{name}` has no values"),
        });
    }
    let mut rng = SplitMix64(seed);
    Ok((1..=size)
        .map(|i| {
            let mut v = Volunteer::new(format!("v{i}"));
            for (name, values) in attributes {
                let pick = usize::try_from(rng.below(values.len() as u64)).unwrap_or(0);
                v.attributes
                    .insert(name.clone(), values.get(pick).cloned().unwrap_or_default());
            }
            v
        })
        .collect())
}
