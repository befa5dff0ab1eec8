//! Select (being written).
