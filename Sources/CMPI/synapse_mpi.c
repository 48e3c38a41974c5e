// See include/synapse_mpi.h. Open MPI's ABI: handles are pointers to library
// globals (ompi_mpi_comm_world, ompi_mpi_float, ...), MPI_IN_PLACE is (void *)1 and
// MPI_STATUS_IGNORE is NULL; it has been stable across Open MPI 3, 4 and 5.
#define _GNU_SOURCE
#include "synapse_mpi.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *mpi_handle;

#define MPI_THREAD_FUNNELED_VALUE 1
#define MPI_IN_PLACE_VALUE ((void *)1)
#define MAX_PIECE ((int64_t)1 << 30)

static struct {
    int loaded;
    int (*init_thread)(int *, char ***, int, int *);
    int (*initialized)(int *);
    int (*finalized)(int *);
    int (*finalize)(void);
    int (*comm_rank)(mpi_handle, int *);
    int (*comm_size)(mpi_handle, int *);
    int (*allreduce)(const void *, void *, int, mpi_handle, mpi_handle, mpi_handle);
    int (*bcast)(void *, int, mpi_handle, int, mpi_handle);
    int (*barrier)(mpi_handle);
    int (*abort_)(mpi_handle, int);
    int (*error_string)(int, char *, int *);
    int (*get_library_version)(char *, int *);
    int (*comm_set_errhandler)(mpi_handle, mpi_handle);
    mpi_handle comm_world, type_float, type_double, type_byte, op_sum, errors_return;
} mpi;

static int resolve(void *library, const char *name, void **slot, char *error, size_t error_size) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(error, error_size, "the library has no symbol %s (Synapse needs Open MPI 3 or later)", name);
        return -1;
    }
    return 0;
}

int synapse_mpi_load(const char *path, char *error, size_t error_size) {
    if (mpi.loaded) return 0;
    void *library = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error, error_size, "%s", reason ? reason : "dlopen failed");
        return -1;
    }
    struct { const char *name; void **slot; } symbols[] = {
        {"MPI_Init_thread", (void **)&mpi.init_thread},
        {"MPI_Initialized", (void **)&mpi.initialized},
        {"MPI_Finalized", (void **)&mpi.finalized},
        {"MPI_Finalize", (void **)&mpi.finalize},
        {"MPI_Comm_rank", (void **)&mpi.comm_rank},
        {"MPI_Comm_size", (void **)&mpi.comm_size},
        {"MPI_Allreduce", (void **)&mpi.allreduce},
        {"MPI_Bcast", (void **)&mpi.bcast},
        {"MPI_Barrier", (void **)&mpi.barrier},
        {"MPI_Abort", (void **)&mpi.abort_},
        {"MPI_Error_string", (void **)&mpi.error_string},
        {"MPI_Get_library_version", (void **)&mpi.get_library_version},
        {"MPI_Comm_set_errhandler", (void **)&mpi.comm_set_errhandler},
        {"ompi_mpi_comm_world", &mpi.comm_world},
        {"ompi_mpi_float", &mpi.type_float},
        {"ompi_mpi_double", &mpi.type_double},
        {"ompi_mpi_byte", &mpi.type_byte},
        {"ompi_mpi_op_sum", &mpi.op_sum},
        {"ompi_mpi_errors_return", &mpi.errors_return},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (resolve(library, symbols[i].name, symbols[i].slot, error, error_size) != 0) {
            dlclose(library);
            memset(&mpi, 0, sizeof mpi);
            return -1;
        }
    }
    mpi.loaded = 1;
    return 0;
}

int synapse_mpi_init(int *provided) {
    if (!mpi.loaded) return SYNAPSE_MPI_NOT_LOADED;
    int status = mpi.init_thread(NULL, NULL, MPI_THREAD_FUNNELED_VALUE, provided);
    if (status != 0) return status;
    return mpi.comm_set_errhandler(mpi.comm_world, mpi.errors_return);
}

int synapse_mpi_state(int *initialized, int *finalized) {
    if (!mpi.loaded) return SYNAPSE_MPI_NOT_LOADED;
    int status = mpi.initialized(initialized);
    return status != 0 ? status : mpi.finalized(finalized);
}

int synapse_mpi_finalize(void) {
    return mpi.loaded ? mpi.finalize() : SYNAPSE_MPI_NOT_LOADED;
}

int synapse_mpi_rank(int *rank) {
    return mpi.loaded ? mpi.comm_rank(mpi.comm_world, rank) : SYNAPSE_MPI_NOT_LOADED;
}

int synapse_mpi_size(int *size) {
    return mpi.loaded ? mpi.comm_size(mpi.comm_world, size) : SYNAPSE_MPI_NOT_LOADED;
}

static int allreduce_sum(char *buffer, int64_t count, size_t element_size, mpi_handle type) {
    if (!mpi.loaded) return SYNAPSE_MPI_NOT_LOADED;
    for (int64_t start = 0; start < count; start += MAX_PIECE) {
        int64_t piece = count - start < MAX_PIECE ? count - start : MAX_PIECE;
        int status = mpi.allreduce(MPI_IN_PLACE_VALUE, buffer + start * (int64_t)element_size, (int)piece,
                                   type, mpi.op_sum, mpi.comm_world);
        if (status != 0) return status;
    }
    return 0;
}

int synapse_mpi_allreduce_sum_float(float *buffer, int64_t count) {
    return allreduce_sum((char *)buffer, count, sizeof(float), mpi.type_float);
}

int synapse_mpi_allreduce_sum_double(double *buffer, int64_t count) {
    return allreduce_sum((char *)buffer, count, sizeof(double), mpi.type_double);
}

int synapse_mpi_broadcast_bytes(void *buffer, int64_t count, int root) {
    if (!mpi.loaded) return SYNAPSE_MPI_NOT_LOADED;
    for (int64_t start = 0; start < count; start += MAX_PIECE) {
        int64_t piece = count - start < MAX_PIECE ? count - start : MAX_PIECE;
        int status = mpi.bcast((char *)buffer + start, (int)piece, mpi.type_byte, root, mpi.comm_world);
        if (status != 0) return status;
    }
    return 0;
}

int synapse_mpi_barrier(void) {
    return mpi.loaded ? mpi.barrier(mpi.comm_world) : SYNAPSE_MPI_NOT_LOADED;
}

int synapse_mpi_abort(int code) {
    return mpi.loaded ? mpi.abort_(mpi.comm_world, code) : SYNAPSE_MPI_NOT_LOADED;
}

void synapse_mpi_error_string(int code, char *text, size_t text_size) {
    if (text_size == 0) return;
    text[0] = 0;
    if (code == SYNAPSE_MPI_NOT_LOADED || !mpi.loaded) {
        snprintf(text, text_size, "the MPI library is not loaded");
        return;
    }
    char message[512];
    int length = 0;
    if (mpi.error_string(code, message, &length) == 0) {
        snprintf(text, text_size, "%.*s", length, message);
    } else {
        snprintf(text, text_size, "MPI error %d", code);
    }
}

void synapse_mpi_library_version(char *text, size_t text_size) {
    if (text_size == 0) return;
    text[0] = 0;
    if (!mpi.loaded) return;
    char version[8192];
    int length = 0;
    if (mpi.get_library_version(version, &length) == 0) snprintf(text, text_size, "%.*s", length, version);
}
