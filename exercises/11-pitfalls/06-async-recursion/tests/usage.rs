use std::time::Duration;

use async_recursion::{Missing, Store, Usage, disk_usage};
use tokio::time::{Instant, sleep};
use workbook_support::on_paused_tokio;

const LIMIT: Duration = Duration::from_secs(5);
const LATENCY: Duration = Store::LATENCY;

/// A tree four levels deep: the root, two projects, each with src and
/// docs, each of those with two more directories.
fn project_tree() -> Store {
    let mut store = Store::new();
    store.add_file("/README.md", 100);
    for project in ["alpha", "beta"] {
        store.add_file(&format!("/{project}/Cargo.toml"), 10);
        for part in ["src", "docs"] {
            for leaf in ["one", "two"] {
                store.add_file(&format!("/{project}/{part}/{leaf}/a.rs"), 1_000);
                store.add_file(&format!("/{project}/{part}/{leaf}/b.rs"), 2_000);
            }
        }
    }
    store
}

/// Walks `path` and measures the time it takes on the paused clock.
async fn walk(store: &Store, path: &str) -> (Result<Usage, Missing>, Duration) {
    let start = Instant::now();
    let usage = disk_usage(store, path).await;
    (usage, start.elapsed())
}

fn listings_in(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() / LATENCY.as_secs_f64()
}

#[test]
fn counts_the_files_of_a_flat_directory() {
    on_paused_tokio(LIMIT, || async {
        let mut store = Store::new();
        store
            .add_file("/a.txt", 5)
            .add_file("/b.txt", 7)
            .add_file("/c.txt", 30);
        let (usage, _) = walk(&store, "/").await;
        assert_eq!(
            usage,
            Ok(Usage {
                files: 3,
                bytes: 42,
                dirs: 0
            }),
            "disk_usage(\"/\") of a root with three files and no directory"
        );
    });
}

#[test]
fn counts_files_and_directories_at_every_depth() {
    on_paused_tokio(LIMIT, || async {
        let store = project_tree();
        let (usage, _) = walk(&store, "/").await;
        assert_eq!(
            usage,
            Ok(Usage {
                files: 1 + 2 * (1 + 2 * 2 * 2),
                bytes: 100 + 2 * (10 + 2 * 2 * 3_000),
                dirs: 2 + 2 * 2 + 2 * 2 * 2,
            }),
            "disk_usage(\"/\") of a tree four levels deep: every file at every depth, and \
             every directory below the root (not the root itself)"
        );
        let (usage, _) = walk(&store, "/beta/docs").await;
        assert_eq!(
            usage,
            Ok(Usage {
                files: 4,
                bytes: 6_000,
                dirs: 2
            }),
            "disk_usage(\"/beta/docs\") counts what is below /beta/docs only"
        );
        let mut empty = Store::new();
        empty.add_dir("/nothing/here");
        let (usage, _) = walk(&empty, "/nothing/here").await;
        assert_eq!(
            usage,
            Ok(Usage::default()),
            "an empty directory has no files and no directories"
        );
    });
}

#[test]
fn lists_each_directory_once() {
    on_paused_tokio(LIMIT, || async {
        let store = project_tree();
        let _ = walk(&store, "/").await;
        let mut listed = store.listings();
        listed.sort();
        let mut expected = vec!["/".to_owned()];
        for project in ["alpha", "beta"] {
            expected.push(format!("/{project}"));
            for part in ["src", "docs"] {
                expected.push(format!("/{project}/{part}"));
                for leaf in ["one", "two"] {
                    expected.push(format!("/{project}/{part}/{leaf}"));
                }
            }
        }
        expected.sort();
        assert_eq!(
            listed, expected,
            "disk_usage(\"/\") should list every directory of the tree once, and nothing else \
             (each listing is a request to the storage service)"
        );
    });
}

#[test]
fn walks_the_subdirectories_of_a_directory_at_the_same_time() {
    on_paused_tokio(LIMIT, || async {
        let store = project_tree();
        let (usage, elapsed) = walk(&store, "/").await;
        assert!(usage.is_ok(), "the walk should succeed: {usage:?}");
        let listings = store.listings().len();
        assert!(
            elapsed <= 4 * LATENCY,
            "the tree has 4 levels and {listings} directories; one listing takes {LATENCY:?}. \
             Walking the subdirectories of each directory at the same time takes 4 listings' \
             time ({:?}), but this walk took {elapsed:?}, the time of {:.0} listings one after \
             the other (at most {} ran at once). The recursive calls are awaited one by one: \
             make the futures of all the subdirectories first, then wait for all of them \
             together.",
            4 * LATENCY,
            listings_in(elapsed),
            store.most_in_flight(),
        );
        assert_eq!(
            elapsed,
            4 * LATENCY,
            "a walk of 4 levels takes exactly 4 listings' time on the paused clock; this one \
             took {elapsed:?}: is there a pause besides the listings?"
        );
    });
}

#[test]
fn a_directory_that_cannot_be_listed_fails_the_walk() {
    on_paused_tokio(LIMIT, || async {
        let mut store = project_tree();
        store.remove_dir("/beta/src/two");
        let (usage, _) = walk(&store, "/").await;
        assert_eq!(
            usage,
            Err(Missing("/beta/src/two".to_owned())),
            "/beta/src lists the directory two, which is gone: the walk must fail with \
             Missing and its path, not skip it or count it as empty"
        );
    });
}

#[test]
fn the_first_failure_stops_the_walk_at_once() {
    on_paused_tokio(LIMIT, || async {
        let mut store = Store::new();
        store
            .add_file("/deep/a/b/c/d/e/f/file", 1)
            .remove_dir("/gone");
        let (usage, elapsed) = walk(&store, "/").await;
        assert_eq!(
            usage,
            Err(Missing("/gone".to_owned())),
            "listing /gone fails: the walk must fail with its path"
        );
        let listed = store.listings().len();
        assert!(
            elapsed <= 2 * LATENCY,
            "listing /gone fails at {:?} (the root's listing, then its own), but the walk \
             returned its error only after {elapsed:?}, having listed {listed} directories: it \
             went on walking /deep/a/b/... after the failure, for a result it would throw \
             away. Wait for the subdirectories in a way that returns the first error as soon \
             as it comes, and drops the other walks.",
            2 * LATENCY,
        );
        // Nothing may keep walking in the background either.
        sleep(20 * LATENCY).await;
        assert_eq!(
            store.listings().len(),
            listed,
            "after the walk returned its error, more directories were listed: a walk was \
             started in a task of its own and left running. Its result is no longer wanted."
        );
    });
}
