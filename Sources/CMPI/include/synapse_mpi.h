// A small C shim over Open MPI, loaded at run time.
//
// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE) are C macros
// that take the addresses of library globals, which Swift cannot import; and linking
// libmpi would make Open MPI a build requirement. This shim instead opens
// libmpi.so.40 with dlopen, resolves the few entry points and globals that
// data-parallel training needs, and offers them as plain C functions. Nothing here
// needs Open MPI's headers: the package builds, and every non-distributed feature
// works, on a machine without MPI.
//
// Every function returns MPI_SUCCESS (0) or an MPI error code (see
// synapse_mpi_error_string), or SYNAPSE_MPI_NOT_LOADED before a successful
// synapse_mpi_load. Calls are not thread-safe among themselves: Synapse makes all
// of them from one communication thread (the thread that called synapse_mpi_init).
#ifndef SYNAPSE_MPI_H
#define SYNAPSE_MPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Returned by every call made before the library was loaded.
#define SYNAPSE_MPI_NOT_LOADED (-1000)

/// Opens the MPI library at `path` (for example "libmpi.so.40") with RTLD_GLOBAL, as
/// Open MPI's own plugins need, and resolves its symbols. Returns 0, or -1 with a
/// readable reason (dlerror's, or the missing symbol's name) written into `error`.
int synapse_mpi_load(const char *path, char *error, size_t error_size);

/// MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, provided), then sets
/// MPI_ERRORS_RETURN on MPI_COMM_WORLD so that failures come back as codes.
int synapse_mpi_init(int *provided);

/// MPI_Initialized and MPI_Finalized.
int synapse_mpi_state(int *initialized, int *finalized);

/// MPI_Finalize.
int synapse_mpi_finalize(void);

/// Rank and size of MPI_COMM_WORLD.
int synapse_mpi_rank(int *rank);
int synapse_mpi_size(int *size);

/// Sums `count` floats (or doubles) over all ranks, in place (MPI_IN_PLACE), in
/// pieces of at most 2^30 elements (MPI counts are int).
int synapse_mpi_allreduce_sum_float(float *buffer, int64_t count);
int synapse_mpi_allreduce_sum_double(double *buffer, int64_t count);

/// Sends `count` bytes of `buffer` from rank `root` to every rank.
int synapse_mpi_broadcast_bytes(void *buffer, int64_t count, int root);

/// MPI_Barrier on MPI_COMM_WORLD.
int synapse_mpi_barrier(void);

/// MPI_Abort(MPI_COMM_WORLD, code): ends every rank.
int synapse_mpi_abort(int code);

/// The library's text for an error code (MPI_Error_string), or a fixed text for
/// SYNAPSE_MPI_NOT_LOADED.
void synapse_mpi_error_string(int code, char *text, size_t text_size);

/// The library version (MPI_Get_library_version), or an empty string.
void synapse_mpi_library_version(char *text, size_t text_size);

#ifdef __cplusplus
}
#endif

#endif
