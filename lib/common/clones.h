/* Function multi-versioning for the hot generic loops (internal).
 *
 * FASC_CLONES makes GCC build a function twice, for baseline x86-64 and
 * for AVX2, and pick one when the library loads (an ifunc). The AVX2 clone
 * differs only in vector width: AVX2 alone brings no fused multiply-add
 * and the compiler does not reorder float arithmetic, so both clones give
 * the same bits. Elsewhere (other CPUs, compilers, or no ifunc support) it
 * is empty. */
#ifndef FASC_CLONES_H
#define FASC_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && \
    !defined(FASC_NO_CLONES)
#define FASC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FASC_CLONES
#endif

/* A helper of a cloned function: inlined into each clone (called from two
 * clones, it would otherwise be left out of line, in baseline code). */
#if defined(__GNUC__)
#define FASC_CLONE_INLINE inline __attribute__((always_inline))
#else
#define FASC_CLONE_INLINE inline
#endif

#endif
