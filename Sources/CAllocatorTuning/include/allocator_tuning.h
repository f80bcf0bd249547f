// glibc's allocator settings for a long-running controller. Swift's Glibc module does not export
// mallopt, hence this header. See Sources/regcred/AllocatorTuning.swift for why each is set.
#ifndef REGCRED_ALLOCATOR_TUNING_H
#define REGCRED_ALLOCATOR_TUNING_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#include <stdlib.h>

/// Sets `option` to `value` unless the user chose it through glibc's environment variable `name`.
static inline void regcred_malloc_option_unless_set(const char *name, int option, int value) {
    if (getenv(name) == NULL) {
        (void)mallopt(option, value);
    }
}

static inline void regcred_tune_allocator(int arenas, int mmapThreshold, int trimThreshold) {
    regcred_malloc_option_unless_set("MALLOC_ARENA_MAX", M_ARENA_MAX, arenas);
    regcred_malloc_option_unless_set("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, mmapThreshold);
    regcred_malloc_option_unless_set("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, trimThreshold);
}
#else
static inline void regcred_tune_allocator(int arenas, int mmapThreshold, int trimThreshold) {
    (void)arenas; (void)mmapThreshold; (void)trimThreshold;
}
#endif

#endif
