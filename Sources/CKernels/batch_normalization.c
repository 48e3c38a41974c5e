#include "CKernels.h"

// Batch normalization's passes over [rows, channels], each a loop over channels
// (contiguous) inside a loop over rows, on restrict pointers so the compiler
// vectorises the channel loop. Built twice, like max pooling: for AVX2, picked at
// run time, and for the baseline x86-64 the package compiles for.

#define BODY_CHANNEL_SUMS                                                            \
    for (long r = 0; r < rows; r++) {                                                \
        const float *restrict row = x + r * channels;                                \
        for (long c = 0; c < channels; c++) sum[c] += (double)row[c];                \
    }

#define BODY_SQUARED_DEVIATIONS                                                      \
    for (long r = 0; r < rows; r++) {                                                \
        const float *restrict row = x + r * channels;                                \
        for (long c = 0; c < channels; c++) {                                        \
            const double d = (double)row[c] - (double)mean[c];                       \
            sum[c] += d * d;                                                         \
        }                                                                            \
    }

#define BODY_AFFINE                                                                  \
    for (long r = 0; r < rows; r++) {                                                \
        const float *restrict row = x + r * channels;                                \
        float *restrict out = y + r * channels;                                      \
        for (long c = 0; c < channels; c++) out[c] = row[c] * scale[c] + shift[c];   \
    }

#define BODY_GRADIENT_SUMS                                                           \
    for (long r = 0; r < rows; r++) {                                                \
        const float *restrict row = x + r * channels;                                \
        const float *restrict grad = g + r * channels;                               \
        for (long c = 0; c < channels; c++) {                                        \
            sum_gradient[c] += (double)grad[c];                                      \
            sum_gradient_centered[c] += (double)grad[c] * ((double)row[c] - (double)mean[c]); \
        }                                                                            \
    }

#define BODY_INPUT_GRADIENT                                                          \
    for (long r = 0; r < rows; r++) {                                                \
        const float *restrict row = x + r * channels;                                \
        const float *restrict grad = g + r * channels;                               \
        float *restrict out = dx + r * channels;                                     \
        for (long c = 0; c < channels; c++)                                          \
            out[c] = p[c] * grad[c] + q[c] * (row[c] - mean[c]) + s[c];              \
    }

#if defined(__x86_64__)
#define DISPATCH(name, parameters, arguments, body)                                  \
    __attribute__((target("avx2,fma"))) static void name##_avx2 parameters { body }  \
    static void name##_baseline parameters { body }                                  \
    void name parameters {                                                           \
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) name##_avx2 arguments; \
        else name##_baseline arguments;                                              \
    }
#else
#define DISPATCH(name, parameters, arguments, body) void name parameters { body }
#endif

DISPATCH(synapse_channel_sums,
         (const float *restrict x, long rows, long channels, double *restrict sum),
         (x, rows, channels, sum), BODY_CHANNEL_SUMS)

DISPATCH(synapse_channel_squared_deviations,
         (const float *restrict x, long rows, long channels, const float *restrict mean, double *restrict sum),
         (x, rows, channels, mean, sum), BODY_SQUARED_DEVIATIONS)

DISPATCH(synapse_channel_affine,
         (const float *restrict x, long rows, long channels, const float *restrict scale,
          const float *restrict shift, float *restrict y),
         (x, rows, channels, scale, shift, y), BODY_AFFINE)

DISPATCH(synapse_batch_norm_gradient_sums,
         (const float *restrict x, const float *restrict g, long rows, long channels, const float *restrict mean,
          double *restrict sum_gradient, double *restrict sum_gradient_centered),
         (x, g, rows, channels, mean, sum_gradient, sum_gradient_centered), BODY_GRADIENT_SUMS)

DISPATCH(synapse_batch_norm_input_gradient,
         (const float *restrict x, const float *restrict g, long rows, long channels, const float *restrict mean,
          const float *restrict p, const float *restrict q, const float *restrict s, float *restrict dx),
         (x, g, rows, channels, mean, p, q, s, dx), BODY_INPUT_GRADIENT)
