//! One shared copy of each name read from the inputs.

/// The one copy of a name that many resources share (a resource type, a region, an attribute
/// name). Plans of 100k resources repeat a few hundred such names: one allocation each instead
/// of one a resource, and comparisons read a line that stays in cache. The copies live as long as the
/// process; they are bounded by the distinct names it reads.
pub fn intern(name: &str) -> &'static str {
    use std::cell::RefCell;
    use std::collections::HashSet;
    type Names = HashSet<&'static str, foldhash::fast::FixedState>;
    static ALL: std::sync::Mutex<Option<Names>> = std::sync::Mutex::new(None);
    thread_local! {
        // Each thread asks the shared set once a name: no lock on the way of every resource.
        static SEEN: RefCell<Names> = RefCell::new(Names::default());
    }
    SEEN.with_borrow_mut(|seen| {
        if let Some(&n) = seen.get(name) {
            return n;
        }
        let mut all = ALL.lock().unwrap_or_else(|e| e.into_inner());
        let all = all.get_or_insert_with(Names::default);
        let n = match all.get(name) {
            Some(&n) => n,
            None => {
                let n: &'static str = Box::leak(name.into());
                all.insert(n);
                n
            }
        };
        seen.insert(n);
        n
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_names_are_one_copy_across_threads() {
        let here = intern("aws_intern_test_type");
        let there = std::thread::spawn(|| intern(&String::from("aws_intern_test_type")))
            .join()
            .unwrap();
        assert_eq!(here, "aws_intern_test_type");
        assert!(std::ptr::eq(here, there));
        assert!(std::ptr::eq(here, intern("aws_intern_test_type")));
        assert_eq!(intern("aws_intern_test_other"), "aws_intern_test_other");
        assert!(!std::ptr::eq(here, intern("aws_intern_test_other")));
    }
}
