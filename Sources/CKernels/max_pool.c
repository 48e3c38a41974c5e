#include "CKernels.h"
#include <math.h>

// The per-channel merge is a loop over restrict pointers that compiles to
// compare-and-blend vector code. Two builds of the kernel: one for AVX2 (picked at
// run time when the CPU has it; blends are single instructions there), one for the
// baseline x86-64 the package compiles for, where the loop is vectorised on request
// (the cost model declines SSE2's and-andnot-or blends, and the scalar loop made max
// pooling a quarter of W2's epoch on one thread). The same loop in Swift stayed
// scalar, and with SIMD types it converted every mask through bytes.
static inline __attribute__((always_inline))
void keep_larger(const float *restrict values, int32_t first_index, float *restrict best,
                 int32_t *restrict best_index, long channels) {
#pragma clang loop vectorize(enable)
    for (long c = 0; c < channels; c++) {
        const float value = values[c], current = best[c];
        const int better = (value > current) | ((value != value) & (current == current));
        best[c] = better ? value : current;
        best_index[c] = better ? first_index + (int32_t)c : best_index[c];
    }
}

static inline __attribute__((always_inline))
void max_pool_rows(const float *input, float *output, int32_t *indices,
                   long row_begin, long row_end, long input_height, long input_width, long channels,
                   long output_height, long output_width, long window_height, long window_width,
                   long stride_height, long stride_width, long dilation_height, long dilation_width,
                   long pad_top, long pad_left) {
    for (long item = row_begin; item < row_end; item++) {
        const long n = item / output_height, oh = item % output_height;
        for (long ow = 0; ow < output_width; ow++) {
            const long base = ((n * output_height + oh) * output_width + ow) * channels;
            float *best = output + base;
            int32_t *best_index = indices + base;
            int started = 0;
            for (long kh = 0; kh < window_height; kh++) {
                const long ih = oh * stride_height - pad_top + kh * dilation_height;
                if (ih < 0 || ih >= input_height) continue;
                for (long kw = 0; kw < window_width; kw++) {
                    const long iw = ow * stride_width - pad_left + kw * dilation_width;
                    if (iw < 0 || iw >= input_width) continue;
                    const long offset = ((n * input_height + ih) * input_width + iw) * channels;
                    if (!started) {
                        started = 1;
                        for (long c = 0; c < channels; c++) {
                            best[c] = input[offset + c];
                            best_index[c] = (int32_t)(offset + c);
                        }
                    } else {
                        keep_larger(input + offset, (int32_t)offset, best, best_index, channels);
                    }
                }
            }
            if (!started) {
                for (long c = 0; c < channels; c++) {
                    best[c] = -INFINITY;
                    best_index[c] = -1;
                }
            }
        }
    }
}

#define MAX_POOL_ARGUMENTS input, output, indices, row_begin, row_end, input_height, input_width, channels, \
    output_height, output_width, window_height, window_width, stride_height, stride_width, dilation_height, \
    dilation_width, pad_top, pad_left
#define MAX_POOL_PARAMETERS const float *input, float *output, int32_t *indices, long row_begin, long row_end, \
    long input_height, long input_width, long channels, long output_height, long output_width, \
    long window_height, long window_width, long stride_height, long stride_width, long dilation_height, \
    long dilation_width, long pad_top, long pad_left

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void max_pool_rows_avx2(MAX_POOL_PARAMETERS) { max_pool_rows(MAX_POOL_ARGUMENTS); }
#endif

static void max_pool_rows_baseline(MAX_POOL_PARAMETERS) { max_pool_rows(MAX_POOL_ARGUMENTS); }

void synapse_max_pool_rows(MAX_POOL_PARAMETERS) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
        max_pool_rows_avx2(MAX_POOL_ARGUMENTS);
        return;
    }
#endif
    max_pool_rows_baseline(MAX_POOL_ARGUMENTS);
}
