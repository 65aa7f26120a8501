//! The README's promise for partners: an instance client on a shared
//! `Transport` costs a few hundred bytes of heap and opens no pool of its
//! own. Its own test binary: the counting allocator sees this test alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// Live heap bytes of the whole process.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn an_instance_client_costs_under_500_heap_bytes() {
    const CLIENTS: usize = 2_000;
    let transport = zapi_client::Transport::builder()
        .base_url("https://api.z-api.io")
        .build()
        .unwrap();
    // Realistic lengths: 32-character ids and tokens.
    let credentials: Vec<(String, String, String)> = (0..CLIENTS)
        .map(|i| {
            (
                format!("3C0FFEE1A2B3C4D5E6F7A8B9{i:08}"),
                format!("F00DBABE0123456789ABCDEF{i:08}"),
                format!("Fa1b2c3d4e5f60718293a4b5{i:08}"),
            )
        })
        .collect();
    let mut clients = Vec::with_capacity(CLIENTS);
    let before = LIVE.load(Ordering::SeqCst);
    for (instance, token, client_token) in &credentials {
        clients.push(
            transport
                .client(instance, token)
                .client_token(client_token)
                .build()
                .unwrap(),
        );
    }
    let per_client = (LIVE.load(Ordering::SeqCst) - before) as usize / CLIENTS;
    eprintln!(
        "{per_client} heap bytes per instance client, {} inline",
        size_of::<zapi_client::Client>()
    );
    // The README and the CHANGELOG say "a few hundred", "under 500" (364 today).
    assert!(per_client < 500, "{per_client} bytes per instance client");
    assert!(per_client > 0, "the count works");
    drop(clients);
}
