// TODO: this program does not compile: `total` awaits itself, so its future
// would contain a future of its own type: a type of infinite size. Make it
// compile and run to the end, with no `unsafe`, still calling itself for
// each child.
#![forbid(unsafe_code)]

use pin_it::{Tree, pause};

/// The sum of every value in the tree. Each node takes a moment, like a
/// lookup over the network.
async fn total(tree: &Tree) -> u64 {
    pause().await;
    let mut sum = tree.value;
    for child in &tree.children {
        sum += total(child).await;
    }
    sum
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let tree = Tree::node(
        1,
        vec![
            Tree::node(2, vec![Tree::leaf(4), Tree::leaf(5)]),
            Tree::node(3, vec![Tree::node(6, vec![Tree::leaf(7)])]),
        ],
    );
    assert_eq!(
        total(&tree).await,
        28,
        "the total should count every node, at every depth"
    );
    assert_eq!(total(&Tree::leaf(9)).await, 9);
}
