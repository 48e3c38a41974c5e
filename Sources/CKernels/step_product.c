#include "CKernels.h"

// The per-step product of a recurrent time loop: C [m, n] = A [m, k] · B [k, n]
// with a few rows per thread (W3: 16 · 64 · 256 forward, 16 · 256 · 64 backward).
// A library sgemm call on such a product spends a fair part of its time on
// packing and dispatch; here blocks of 4 rows × 64 columns stay in 16 AVX-512
// registers for the whole k loop, so every weight loaded from cache serves four
// rows. Tails use the same block: rows past m repeat the last row (computed, not
// stored) and columns past n are masked off.

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static void step_product_avx512(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long m,
                                long n, long k) {
    for (long row = 0; row < m; row += 4) {
        const float *rows[4];
        for (int i = 0; i < 4; i++) rows[i] = a + (row + i < m ? row + i : m - 1) * lda;
        for (long column = 0; column < n; column += 64) {
            __mmask16 masks[4];
            for (int j = 0; j < 4; j++) {
                const long left = n - column - 16 * j;
                masks[j] = left >= 16 ? (__mmask16)0xFFFF : (left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1u));
            }
            __m512 acc[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc[i][j] = _mm512_setzero_ps();
            const float *weights = b + column;
            for (long p = 0; p < k; p++, weights += ldb) {
                __m512 w[4];
                for (int j = 0; j < 4; j++) w[j] = _mm512_maskz_loadu_ps(masks[j], weights + 16 * j);
                for (int i = 0; i < 4; i++) {
                    const __m512 value = _mm512_set1_ps(rows[i][p]);
                    for (int j = 0; j < 4; j++) acc[i][j] = _mm512_fmadd_ps(value, w[j], acc[i][j]);
                }
            }
            for (int i = 0; i < 4 && row + i < m; i++)
                for (int j = 0; j < 4; j++) _mm512_mask_storeu_ps(c + (row + i) * ldc + column + 16 * j, masks[j], acc[i][j]);
        }
    }
}

int synapse_step_product_available(void) { return __builtin_cpu_supports("avx512f"); }

void synapse_step_product(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long m, long n,
                          long k) {
    step_product_avx512(a, lda, b, ldb, c, ldc, m, n, k);
}

#else

int synapse_step_product_available(void) { return 0; }

void synapse_step_product(const float *a, long lda, const float *b, long ldb, float *c, long ldc, long m, long n,
                          long k) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            float sum = 0.0f;
            for (long p = 0; p < k; p++) sum += a[i * lda + p] * b[p * ldb + j];
            c[i * ldc + j] = sum;
        }
}

#endif
