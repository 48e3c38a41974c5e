#include "CKernels.h"
#include "exp_approximation.h"

// The element-wise half of an LSTM step (sigmoid gates, tanh cell activation, the
// Keras and PyTorch default), for rows of the fused time loop. In Swift the same
// arithmetic compiled for SSE (the package's baseline) and was a third of W3's
// profile; here it is built for AVX-512, for AVX2 with FMA, and for the baseline,
// the widest picked at run time.

static inline __attribute__((always_inline)) float sigmoid(float x) {
    return 1.0f / (1.0f + exp_approximation(-x));
}

// tanh through e = exp(−2|x|): (1 − e) / (1 + e) with x's sign.
static inline __attribute__((always_inline)) float hyperbolic_tangent(float x) {
    const float magnitude = fabsf(x);
    const float e = exp_approximation(-2.0f * magnitude);
    const float t = (1.0f - e) / (1.0f + e);
    return x < 0.0f ? -t : t;
}

static inline __attribute__((always_inline))
void lstm_cell_forward(const float *restrict pre, const float *restrict recurrent, float *restrict gates,
                       float *restrict c, float *restrict activated_cell, float *restrict h, long units) {
#pragma clang loop vectorize(enable)
    for (long j = 0; j < 2 * units; j++) gates[j] = sigmoid(pre[j] + recurrent[j]);
#pragma clang loop vectorize(enable)
    for (long j = 2 * units; j < 3 * units; j++) gates[j] = hyperbolic_tangent(pre[j] + recurrent[j]);
#pragma clang loop vectorize(enable)
    for (long j = 3 * units; j < 4 * units; j++) gates[j] = sigmoid(pre[j] + recurrent[j]);
    const float *restrict i = gates, *restrict f = gates + units, *restrict g = gates + 2 * units;
    const float *restrict o = gates + 3 * units;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < units; j++) {
        const float cell = f[j] * c[j] + i[j] * g[j];
        const float activated = hyperbolic_tangent(cell);
        c[j] = cell;
        activated_cell[j] = activated;
        h[j] = o[j] * activated;
    }
}

static inline __attribute__((always_inline))
void lstm_cell_backward(const float *restrict gates, const float *restrict activated_cell,
                        const float *restrict previous_cell, const float *restrict dh, float *restrict dc,
                        float *restrict d_pre, long units) {
    const float *restrict i = gates, *restrict f = gates + units, *restrict g = gates + 2 * units;
    const float *restrict o = gates + 3 * units;
#pragma clang loop vectorize(enable)
    for (long j = 0; j < units; j++) {
        const float activated = activated_cell[j];
        const float total = dc[j] + dh[j] * o[j] * (1.0f - activated * activated);
        d_pre[j] = total * g[j] * i[j] * (1.0f - i[j]);
        d_pre[units + j] = total * previous_cell[j] * f[j] * (1.0f - f[j]);
        d_pre[2 * units + j] = total * i[j] * (1.0f - g[j] * g[j]);
        d_pre[3 * units + j] = dh[j] * activated * o[j] * (1.0f - o[j]);
        dc[j] = total * f[j];
    }
}

#define LSTM_CELL_VARIANT(SUFFIX, TARGET)                                                                     \
    TARGET static void lstm_cell_forward_##SUFFIX(const float *pre, const float *recurrent, float *gates,     \
                                                  float *c, float *activated_cell, float *h, long units) {    \
        lstm_cell_forward(pre, recurrent, gates, c, activated_cell, h, units);                                \
    }                                                                                                         \
    TARGET static void lstm_cell_backward_##SUFFIX(const float *gates, const float *activated_cell,          \
                                                   const float *previous_cell, const float *dh, float *dc,    \
                                                   float *d_pre, long units) {                                \
        lstm_cell_backward(gates, activated_cell, previous_cell, dh, dc, d_pre, units);                       \
    }

#if defined(__x86_64__)
LSTM_CELL_VARIANT(avx512, __attribute__((target("avx512f"))))
LSTM_CELL_VARIANT(avx2, __attribute__((target("avx2,fma"))))
#endif
LSTM_CELL_VARIANT(baseline, )

// The widest build this CPU runs: 2 for AVX-512, 1 for AVX2 with FMA, 0 for the
// baseline. Asked once; the cell is called for every row of every step.
static int vector_level(void) {
    static int level = -1;
    if (level < 0) {
#if defined(__x86_64__)
        level = __builtin_cpu_supports("avx512f") ? 2
              : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
#else
        level = 0;
#endif
    }
    return level;
}

void synapse_lstm_cell_forward(const float *pre, const float *recurrent, float *gates, float *c,
                               float *activated_cell, float *h, long units) {
    switch (vector_level()) {
#if defined(__x86_64__)
    case 2: lstm_cell_forward_avx512(pre, recurrent, gates, c, activated_cell, h, units); return;
    case 1: lstm_cell_forward_avx2(pre, recurrent, gates, c, activated_cell, h, units); return;
#endif
    default: lstm_cell_forward_baseline(pre, recurrent, gates, c, activated_cell, h, units);
    }
}

void synapse_lstm_cell_backward(const float *gates, const float *activated_cell, const float *previous_cell,
                                const float *dh, float *dc, float *d_pre, long units) {
    switch (vector_level()) {
#if defined(__x86_64__)
    case 2: lstm_cell_backward_avx512(gates, activated_cell, previous_cell, dh, dc, d_pre, units); return;
    case 1: lstm_cell_backward_avx2(gates, activated_cell, previous_cell, dh, dc, d_pre, units); return;
#endif
    default: lstm_cell_backward_baseline(gates, activated_cell, previous_cell, dh, dc, d_pre, units);
    }
}
