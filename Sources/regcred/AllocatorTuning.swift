// glibc's allocator, set for a process that runs for weeks and lists thousands of objects now and
// then. Measured in docs/benchmarks.md ("Relists"): with glibc's defaults each relist raised the
// controller's resident set, because
// - glibc raises its mmap threshold to the size of any large block freed, so after the first list
//   the next lists' megabyte-sized pages came from the heap and left holes there; a fixed
//   threshold keeps them in their own mappings, returned whole when freed;
// - every thread may get its own arena (up to 8 per core), each keeping its own free memory;
//   two are plenty for a controller whose work is I/O-bound.
// Environment variables glibc reads (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_,
// MALLOC_TRIM_THRESHOLD_) still win.
import CAllocatorTuning

enum AllocatorTuning {
    static func apply() {
        regcred_tune_allocator(2, 128 * 1024, 128 * 1024)
    }
}
