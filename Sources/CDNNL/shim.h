// oneDNN (Debian libdnnl-dev) and the GNU OpenMP runtime it threads through.
// Debian ships no pkg-config file for oneDNN: the header is in the system
// include path and the library links as `dnnl`.
#include <oneapi/dnnl/dnnl.h>

// libgomp entry points. oneDNN's kernels run on libgomp's thread team; Synapse's
// own parallel kernels run on the same team (through GOMP_parallel) so the two
// never oversubscribe the cores. Declared here rather than through <omp.h>,
// which lives in GCC's private include folder.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned int flags);
void GOMP_barrier(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
void omp_set_num_threads(int);
int omp_get_num_procs(void);
