#include "CKernels.h"
#include <math.h>

// Softmax rows with an exponential the compiler can vectorise: libm's expf is a call
// per element, and the Swift loop calling it was a third of the Transformer epoch's
// profile (the attention's [batch·heads, 200, 200] scores). Built twice, like the
// other C kernels: for AVX2 with FMA (picked at run time) and for the baseline.

#include "exp_approximation.h"

float synapse_exp(float x) { return exp_approximation(x); }

static inline __attribute__((always_inline))
void softmax_rows(const float *restrict x, float *restrict y, long rows, long columns, int logarithmic) {
    for (long row = 0; row < rows; row++) {
        const float *restrict source = x + row * columns;
        float *restrict destination = y + row * columns;
        float maximum = -INFINITY;
        int nan = 0;
        for (long c = 0; c < columns; c++) {
            maximum = fmaxf(maximum, source[c]);
            nan |= source[c] != source[c];
        }
        if (nan) maximum = NAN;
        float sum = 0.0f;
        // The pragma allows reordering the sum across vector lanes: the order is then
        // fixed by the vector width (8 lanes with AVX2, 4 without).
#pragma clang loop vectorize(enable)
        for (long c = 0; c < columns; c++) {
            const float e = exp_approximation(source[c] - maximum);
            destination[c] = e;
            sum += e;
        }
        if (logarithmic) {
            // (x − max) − log Σ, as PyTorch: x − (max + log Σ) would round to the
            // large maximum's precision for large logits.
            const float log_sum = logf(sum);
            for (long c = 0; c < columns; c++) destination[c] = (source[c] - maximum) - log_sum;
        } else {
            const float scale = 1.0f / sum;
            for (long c = 0; c < columns; c++) destination[c] *= scale;
        }
    }
}

static inline __attribute__((always_inline))
void softmax_backward_rows(const float *restrict y, const float *restrict g, float *restrict dx, long rows,
                           long columns, int logarithmic) {
    for (long row = 0; row < rows; row++) {
        const float *restrict output = y + row * columns;
        const float *restrict gradient = g + row * columns;
        float *restrict result = dx + row * columns;
        float sum = 0.0f;
        if (logarithmic) {
#pragma clang loop vectorize(enable)
            for (long c = 0; c < columns; c++) sum += gradient[c];
            for (long c = 0; c < columns; c++) result[c] = gradient[c] - exp_approximation(output[c]) * sum;
        } else {
#pragma clang loop vectorize(enable)
            for (long c = 0; c < columns; c++) sum += gradient[c] * output[c];
            for (long c = 0; c < columns; c++) result[c] = output[c] * (gradient[c] - sum);
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void softmax_backward_rows_avx2(const float *y, const float *g, float *dx, long rows, long columns,
                                       int logarithmic) {
    softmax_backward_rows(y, g, dx, rows, columns, logarithmic);
}
#endif

static void softmax_backward_rows_baseline(const float *y, const float *g, float *dx, long rows, long columns,
                                           int logarithmic) {
    softmax_backward_rows(y, g, dx, rows, columns, logarithmic);
}

void synapse_softmax_backward_rows(const float *y, const float *g, float *dx, long rows, long columns,
                                   int logarithmic) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        softmax_backward_rows_avx2(y, g, dx, rows, columns, logarithmic);
        return;
    }
#endif
    softmax_backward_rows_baseline(y, g, dx, rows, columns, logarithmic);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void softmax_rows_avx2(const float *x, float *y, long rows, long columns, int logarithmic) {
    softmax_rows(x, y, rows, columns, logarithmic);
}
#endif

static void softmax_rows_baseline(const float *x, float *y, long rows, long columns, int logarithmic) {
    softmax_rows(x, y, rows, columns, logarithmic);
}

void synapse_softmax_rows(const float *x, float *y, long rows, long columns, int logarithmic) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        softmax_rows_avx2(x, y, rows, columns, logarithmic);
        return;
    }
#endif
    softmax_rows_baseline(x, y, rows, columns, logarithmic);
}
