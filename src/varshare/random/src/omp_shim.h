/* OpenMP when the build has it, a serial stand-in otherwise, so that one source builds,
 * links and imports either way (a bare `cimport openmp` leaves undefined omp_* symbols). */
#ifndef VS_OMP_SHIM_H
#define VS_OMP_SHIM_H

#ifdef _OPENMP
#include <omp.h>
#define VS_OPENMP _OPENMP
#else
#define VS_OPENMP 0
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_thread_num(void) { return 0; }
static inline int omp_get_num_threads(void) { return 1; }
#endif

#endif
