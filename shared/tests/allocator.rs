//! `upflow::alloc::Allocator`, as the parsing binaries declare it: set up before its first
//! allocation, and touched memory costs what is touched (no transparent huge pages).

#[global_allocator]
static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;

#[test]
fn the_process_is_set_up_by_the_first_allocation() {
    // The test harness has allocated long before this line runs.
    assert!(upflow::alloc::is_set_up());
}

/// Taken by the tests that allocate megabytes, so that the resident-set test does not count
/// another test's blocks (the harness runs tests on parallel threads).
static BIG: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn allocations_of_every_size_and_alignment_round_trip() {
    let _big = BIG.lock().unwrap_or_else(|e| e.into_inner());
    for size in [1usize, 7, 16, 100, 4096, 70_000, 5 << 20] {
        for align in [1usize, 8, 64, 4096] {
            let layout = std::alloc::Layout::from_size_align(size, align).unwrap();
            // SAFETY: non-zero size; the block is written within its size and freed once.
            unsafe {
                let p = std::alloc::alloc_zeroed(layout);
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0);
                assert_eq!(*p.add(size - 1), 0);
                p.add(size - 1).write(9);
                let q = std::alloc::realloc(p, layout, size * 2);
                assert_eq!(*q.add(size - 1), 9);
                std::alloc::dealloc(q, std::alloc::Layout::from_size_align(size * 2, align).unwrap());
            }
        }
    }
}

/// This process's resident set, in bytes (Linux).
#[cfg(target_os = "linux")]
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[cfg(target_os = "linux")]
#[test]
fn touched_memory_costs_small_pages_even_where_huge_ones_are_asked_for() {
    // 64 MiB, one byte written every 2 MiB: 32 small pages (128 KiB). With transparent huge
    // pages each write faults in a 2 MiB page, 64 MiB in all: the kernel does that for memory
    // advised MADV_HUGEPAGE (as mimalloc advises its large regions) or for all memory (`always`),
    // unless the process has opted out, as the allocator does.
    let _big = BIG.lock().unwrap_or_else(|e| e.into_inner());
    const SIZE: usize = 64 << 20;
    let layout = std::alloc::Layout::from_size_align(SIZE, 2 << 20).unwrap();
    // SAFETY: non-zero size; freed below with the same layout.
    let p = unsafe { std::alloc::alloc(layout) };
    assert!(!p.is_null());
    // SAFETY: the advice covers exactly the block just allocated.
    let advised = unsafe { libc::madvise(p.cast(), SIZE, libc::MADV_HUGEPAGE) };
    assert_eq!(advised, 0, "madvise: {}", std::io::Error::last_os_error());
    let before = rss();
    for offset in (0..SIZE).step_by(2 << 20) {
        // SAFETY: within the block.
        unsafe { p.add(offset).write_volatile(1) };
    }
    let grown = rss().saturating_sub(before);
    // SAFETY: allocated above with this layout.
    unsafe { std::alloc::dealloc(p, layout) };
    assert!(grown < 16 << 20, "touching 32 bytes grew the resident set by {} KiB", grown >> 10);
}
