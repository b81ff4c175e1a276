fn main() {
    reserve_worker_heaps();
    std::process::exit(drlint::cli::main());
}

/// Gives each rayon worker's malloc heap its address space at start, so that it grows without a
/// system call per allocation.
///
/// glibc serves each thread but the main one from an arena of its own, and extends the arena's
/// heap by one `mprotect` each time the heap's top is too small for a request, by just that
/// request: a 100k-resource plan made 18,886 of them (`strace -f -c`), each taking the process's
/// memory-map lock while the other worker faults pages in. A heap's pages stay writable when the
/// blocks on them are freed, and are not resident until written. So each worker takes three
/// blocks of 31 MiB (93 MiB of address space on two heaps: a heap holds at most 64 MiB) and
/// frees them, and the run makes 18 `mprotect` calls. The small block after the third is kept
/// for the life of the process: freeing the whole second heap would unmap it. Peak memory is the
/// same, since only pages written count.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn reserve_worker_heaps() {
    const BLOCK: usize = 31 << 20;
    // A block this large comes from the heap only under a higher mmap threshold (32 MiB at
    // most, half a heap); glibc's initial 128 KiB is put back after. Set by hand, it stays
    // there: glibc no longer raises it as large blocks are freed (peak RSS measured the same).
    // SAFETY: mallopt only sets the allocator's parameters.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20) };
    rayon::broadcast(|_| {
        let blocks: Vec<Box<[std::mem::MaybeUninit<u8>]>> = (0..3)
            .map(|_| std::hint::black_box(Box::new_uninit_slice(BLOCK)))
            .collect();
        std::hint::black_box(Box::leak(Box::new([0u8; 64])));
        drop(std::hint::black_box(blocks));
    });
    // SAFETY: as above.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn reserve_worker_heaps() {}
