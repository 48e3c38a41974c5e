// Cephes' expf for the C kernels that vectorise it (softmax, the LSTM cell).
#ifndef SYNAPSE_EXP_APPROXIMATION_H
#define SYNAPSE_EXP_APPROXIMATION_H

#include <math.h>
#include <stdint.h>
#include <string.h>

// Cephes' expf: e^x = 2^n · e^r with n = round(x / ln 2), r = x − n·ln 2 (in two
// parts, so r is exact), e^r by a degree-6 polynomial on [−ln2/2, ln2/2].
static inline __attribute__((always_inline)) float exp_approximation(float x) {
    const float clamped = x < -88.0f ? -88.0f : (x > 88.0f ? 88.0f : x);
    // Round to nearest by adding and removing 1.5·2²³ (no floorf: a libm call on the baseline).
    const float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = clamped - n * 0.693359375f - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float result = p * scale;
    result = x < -87.33654f ? 0.0f : result;
    result = x > 88.72283f ? INFINITY : result;
    return x != x ? x : result;
}

#endif
