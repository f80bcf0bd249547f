// The functions are static inline in include/allocator_tuning.h; SwiftPM needs one source file.
