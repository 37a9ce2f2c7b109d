//! The global allocator of the binaries that parse exports (the splitter, the `upflow` cli and
//! the benchmarks), behind the `allocator` feature.
//!
//! Parsing a job allocates and frees about a dozen small strings, and glibc's `malloc`/`free`
//! were 15% of the parse path's instructions (bench/README.md, issue 9). [`Allocator`] is
//! mimalloc, set up so that it does not cost memory:
//!
//! - **No transparent huge pages** for the process (`prctl(PR_SET_THP_DISABLE)`). Where the
//!   kernel backs touched memory with 2 MiB pages (`always`), or where it honours mimalloc's
//!   own `MADV_HUGEPAGE` advice on its large regions (`madvise`), every arena page mimalloc
//!   touches can cost 2 MiB of RSS: on an `always` machine the splitter's peak went from 39 to
//!   69 MiB.
//! - **Arenas committed on demand** (mimalloc's `arena_eager_commit` off), not all at once.
//!
//! Both are set by the allocator itself before its first allocation, so every binary that
//! declares it gets them; nothing depends on an environment variable being set.
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;
//! ```

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// mimalloc's number for its `arena_eager_commit` option (`mi_option_e` in its v2
/// `mimalloc.h`), which the sys crate does not name.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// mimalloc, with transparent huge pages off and arenas committed on demand (see the module doc).
pub struct Allocator;

/// Whether [`set_up`] has run; checked on each allocation (one relaxed load).
static SET_UP: AtomicBool = AtomicBool::new(false);

/// Turns transparent huge pages off for this process and mimalloc's eager arena commit off.
/// Idempotent; runs before the first allocation (it allocates nothing itself).
#[cold]
fn set_up() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: PR_SET_THP_DISABLE takes an integer flag and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // SAFETY: sets one of mimalloc's option values; safe to call at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    SET_UP.store(true, Ordering::Relaxed);
}

#[inline(always)]
fn ensure_set_up() {
    if !SET_UP.load(Ordering::Relaxed) {
        set_up();
    }
}

/// The alignment every mimalloc block has (its blocks are whole words). A layout that asks for
/// no more goes to `mi_malloc`, which skips the aligned path's checks (about 26 instructions an
/// allocation, 3% of a pandas row): what Rust's `System` allocator does with `malloc`.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: every call is passed on to mimalloc, aligned as the layout asks.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ensure_set_up();
        if layout.align() <= WORD {
            // SAFETY: mimalloc's blocks are word-aligned; a word or less needs no more.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ensure_set_up();
        if layout.align() <= WORD {
            // SAFETY: as in `alloc`.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // A block to free came from `alloc`, which has set things up.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: as in `alloc`; `ptr` is a block of ours.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// Whether this process runs with the settings above: transparent huge pages off (Linux) and
/// mimalloc's arenas committed on demand. For tests.
pub fn is_set_up() -> bool {
    // SAFETY: reads one of mimalloc's option values.
    let lazy_commit = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT) } == 0;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: PR_GET_THP_DISABLE takes no pointer and returns the flag.
    let no_thp = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) } == 1;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let no_thp = true;
    lazy_commit && no_thp
}
