#include "CKernels.h"

// A broadcast select's row (the attention's masking: scores where the mask is set,
// −∞ elsewhere). The Swift loop with run-time strides stayed scalar and was 13 % of
// the Transformer epoch; here each combination of 0/1 strides is its own loop over
// restrict pointers, which the compiler vectorises. Built for AVX2 (picked at run
// time) and for the baseline.

#define SELECT_LOOP(cs, ts, fs)                                                              \
    for (long i = 0; i < count; i++)                                                         \
        out[i] = condition[i * (cs)] ? when_true[i * (ts)] : when_false[i * (fs)];

static inline __attribute__((always_inline))
void select_row(const uint8_t *restrict condition, long cs, const float *restrict when_true, long ts,
                const float *restrict when_false, long fs, float *restrict out, long count) {
    const int code = (cs == 0 ? 0 : cs == 1 ? 1 : 2) * 9 + (ts == 0 ? 0 : ts == 1 ? 1 : 2) * 3
        + (fs == 0 ? 0 : fs == 1 ? 1 : 2);
    switch (code) {
    case 1 * 9 + 1 * 3 + 1: SELECT_LOOP(1, 1, 1) break;
    case 1 * 9 + 1 * 3 + 0: SELECT_LOOP(1, 1, 0) break;
    case 1 * 9 + 0 * 3 + 1: SELECT_LOOP(1, 0, 1) break;
    case 1 * 9 + 0 * 3 + 0: SELECT_LOOP(1, 0, 0) break;
    case 0 * 9 + 1 * 3 + 1: SELECT_LOOP(0, 1, 1) break;
    case 0 * 9 + 1 * 3 + 0: SELECT_LOOP(0, 1, 0) break;
    case 0 * 9 + 0 * 3 + 1: SELECT_LOOP(0, 0, 1) break;
    default: SELECT_LOOP(cs, ts, fs) break;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void select_row_avx2(const uint8_t *condition, long cs, const float *when_true, long ts,
                            const float *when_false, long fs, float *out, long count) {
    select_row(condition, cs, when_true, ts, when_false, fs, out, count);
}
#endif

static void select_row_baseline(const uint8_t *condition, long cs, const float *when_true, long ts,
                                const float *when_false, long fs, float *out, long count) {
    select_row(condition, cs, when_true, ts, when_false, fs, out, count);
}

void synapse_select_row_f32(const uint8_t *condition, long condition_stride, const float *when_true,
                            long true_stride, const float *when_false, long false_stride, float *out, long count) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
        select_row_avx2(condition, condition_stride, when_true, true_stride, when_false, false_stride, out, count);
        return;
    }
#endif
    select_row_baseline(condition, condition_stride, when_true, true_stride, when_false, false_stride, out, count);
}
