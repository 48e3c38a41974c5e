#include "CKernels.h"

// Products of a few rows with a weight matrix: y = x · W + bias. One sample's forward pass
// through a Dense layer is such a product (m = 1), where a GEMM library spends
// its time packing and dispatching for a single row, and where the weights, not
// the arithmetic, are the cost: every weight is read once and used once.
//
// The kernel walks down the rows of W (row-major [k, n]) and keeps a block of
// output columns in registers: 256 columns (16 AVX-512 registers) while they
// last, then 64, then 16 with a masked tail. Each weight row's block is one
// contiguous run of cache lines. The caller splits the product along k between
// threads (each streams a contiguous part of W) and adds the partial results.
// Only an AVX-512 build exists; synapse_dense_rows_available() says whether this
// CPU can run it (elsewhere the caller uses its GEMM).

// The threads' partial results added in order, then ReLU (NaN kept) when asked;
// written so the compiler vectorises it (a blend keeps NaN).
static inline __attribute__((always_inline))
void dense_combine(float *restrict y, const float *restrict partials, long parts, long stride, long begin, long end,
                   int relu) {
    for (long p = 0; p < parts; p++) {
        const float *restrict partial = partials + p * stride;
#pragma clang loop vectorize(enable)
        for (long i = begin; i < end; i++) y[i] += partial[i];
    }
    if (relu) {
#pragma clang loop vectorize(enable)
        for (long i = begin; i < end; i++) {
            const float v = y[i];
            y[i] = (v > 0.0f || v != v) ? v : 0.0f;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define SYNAPSE_AVX512 __attribute__((target("avx512f")))

// One row of x against `blocks` × 16 columns starting at `column`, all columns full.
#define DENSE_BLOCK(BLOCKS)                                                                 \
    SYNAPSE_AVX512 static inline __attribute__((always_inline))                             \
    void dense_block_##BLOCKS(const float *x, long k, const float *w, long n,               \
                              const float *bias, float *y, long column) {         \
        __m512 acc[BLOCKS];                                                                 \
        for (int b = 0; b < BLOCKS; b++)                                                    \
            acc[b] = bias ? _mm512_loadu_ps(bias + column + 16 * b) : _mm512_setzero_ps();  \
        const float *row = w + column;                                                      \
        for (long i = 0; i < k; i++, row += n) {                                            \
            const __m512 value = _mm512_set1_ps(x[i]);                                      \
            for (int b = 0; b < BLOCKS; b++)                                                \
                acc[b] = _mm512_fmadd_ps(value, _mm512_loadu_ps(row + 16 * b), acc[b]);     \
        }                                                                                   \
        for (int b = 0; b < BLOCKS; b++) {                                                  \
            _mm512_storeu_ps(y + column + 16 * b, acc[b]);                                  \
        }                                                                                   \
    }

DENSE_BLOCK(16)
DENSE_BLOCK(4)

// The last 1–16 columns, with masked loads and stores. One register of columns
// would make a chain of dependent multiply-adds (W5's 256·10 product), so four
// registers take every fourth row and are added at the end.
SYNAPSE_AVX512 static inline __attribute__((always_inline))
void dense_tail(const float *x, long k, const float *w, long n, const float *bias, float *y,
                long column, long width) {
    const __mmask16 mask = (__mmask16)((1u << width) - 1u);
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    const float *row = w + column;
    long i = 0;
    for (; i + 4 <= k; i += 4, row += 4 * n)
        for (int lane = 0; lane < 4; lane++)
            acc[lane] = _mm512_fmadd_ps(_mm512_set1_ps(x[i + lane]), _mm512_maskz_loadu_ps(mask, row + lane * n),
                                        acc[lane]);
    for (; i < k; i++, row += n)
        acc[0] = _mm512_fmadd_ps(_mm512_set1_ps(x[i]), _mm512_maskz_loadu_ps(mask, row), acc[0]);
    __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    if (bias) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(mask, bias + column));
    _mm512_mask_storeu_ps(y + column, mask, sum);
}

SYNAPSE_AVX512
static void dense_rows_avx512(const float *x, long ldx, long m, long k, const float *w, long n,
                              const float *bias, float *y) {
    for (long r = 0; r < m; r++) {
        const float *x_row = x + r * ldx;
        float *y_row = y + r * n;
        long column = 0;
        for (; column + 256 <= n; column += 256)
            dense_block_16(x_row, k, w, n, bias, y_row, column);
        for (; column + 64 <= n; column += 64)
            dense_block_4(x_row, k, w, n, bias, y_row, column);
        for (; column < n; column += 16)
            dense_tail(x_row, k, w, n, bias, y_row, column, n - column < 16 ? n - column : 16);
    }
}

int synapse_dense_rows_available(void) {
    return __builtin_cpu_supports("avx512f");
}

SYNAPSE_AVX512
static void dense_combine_avx512(float *y, const float *partials, long parts, long stride, long begin, long end,
                                 int relu) {
    dense_combine(y, partials, parts, stride, begin, end, relu);
}

void synapse_dense_combine(float *y, const float *partials, long parts, long stride, long begin, long end, int relu) {
    dense_combine_avx512(y, partials, parts, stride, begin, end, relu);
}

void synapse_dense_rows(const float *x, long ldx, long m, long k, const float *w, long n, const float *bias,
                        float *y) {
    dense_rows_avx512(x, ldx, m, k, w, n, bias, y);
}

#else

int synapse_dense_rows_available(void) { return 0; }

void synapse_dense_combine(float *y, const float *partials, long parts, long stride, long begin, long end, int relu) {
    dense_combine(y, partials, parts, stride, begin, end, relu);
}

void synapse_dense_rows(const float *x, long ldx, long m, long k, const float *w, long n, const float *bias,
                        float *y) {
    for (long r = 0; r < m; r++)
        for (long j = 0; j < n; j++) {
            float sum = bias ? bias[j] : 0.0f;
            for (long i = 0; i < k; i++) sum += x[r * ldx + i] * w[i * n + j];
            y[r * n + j] = sum;
        }
}

#endif

