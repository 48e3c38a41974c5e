#include "CKernels.h"
#include <math.h>

// Fused optimizer updates that need a square root. Each rule's formula is written
// once, in a static inline function over a range; the boolean options are constant
// arguments at each call site, so after inlining the compiler emits one branch-free,
// vectorised loop per combination.

// sqrtf sets errno on a negative argument, so under C's default -fmath-errno a loop
// calling it stays scalar (a call into libm per element). Clang's elementwise builtin is
// the IEEE square root with no errno, so the loop vectoriser emits packed square roots
// (sqrtps) at SwiftPM's release -O2 without -fno-math-errno, a flag SwiftPM forbids in
// packages used as versioned dependencies. Same correctly rounded result as sqrtf.
static inline float square_root(float x) {
#if __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    return sqrtf(x);
#endif
}

static inline __attribute__((always_inline))
void adam_range(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                float *restrict vmax, size_t count, float step_size, float beta1, float beta2, float epsilon,
                float correction, float l2, float decay, const int amsgrad) {
    const float one_minus_beta1 = 1.0f - beta1, one_minus_beta2 = 1.0f - beta2;
    for (size_t i = 0; i < count; i++) {
        const float old = p[i];
        const float grad = g[i] + l2 * old;
        const float first = m[i] + one_minus_beta1 * (grad - m[i]);
        const float second = beta2 * v[i] + one_minus_beta2 * (grad * grad);
        float moment = second;
        if (amsgrad) {
            moment = vmax[i] > second ? vmax[i] : second;
            vmax[i] = moment;
        }
        m[i] = first;
        v[i] = second;
        p[i] = old * decay - step_size * (first / (square_root(moment) / correction + epsilon));
    }
}

void synapse_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                         float *restrict vmax, size_t count, float step_size, float beta1, float beta2,
                         float epsilon, float correction, float l2, float decay) {
    if (vmax) {
        adam_range(p, g, m, v, vmax, count, step_size, beta1, beta2, epsilon, correction, l2, decay, 1);
    } else {
        adam_range(p, g, m, v, NULL, count, step_size, beta1, beta2, epsilon, correction, l2, decay, 0);
    }
}

static inline __attribute__((always_inline))
void rmsprop_range(float *restrict p, const float *restrict g, float *restrict square_avg,
                   float *restrict grad_avg, float *restrict buffer, size_t count, float learning_rate,
                   float rho, float epsilon, float momentum, const int centered, const int has_momentum) {
    const float one_minus_rho = 1.0f - rho;
    for (size_t i = 0; i < count; i++) {
        const float grad = g[i];
        const float square = rho * square_avg[i] + one_minus_rho * (grad * grad);
        square_avg[i] = square;
        float spread = square;
        if (centered) {
            const float mean = grad_avg[i] + one_minus_rho * (grad - grad_avg[i]);
            grad_avg[i] = mean;
            spread = square - mean * mean;
        }
        const float scaled = grad / (square_root(spread) + epsilon);
        if (has_momentum) {
            const float b = momentum * buffer[i] + scaled;
            buffer[i] = b;
            p[i] = p[i] - learning_rate * b;
        } else {
            p[i] = p[i] - learning_rate * scaled;
        }
    }
}

void synapse_rmsprop_update(float *restrict p, const float *restrict g, float *restrict square_avg,
                            float *restrict grad_avg, float *restrict buffer, size_t count, float learning_rate,
                            float rho, float epsilon, float momentum) {
    if (grad_avg && buffer) {
        rmsprop_range(p, g, square_avg, grad_avg, buffer, count, learning_rate, rho, epsilon, momentum, 1, 1);
    } else if (grad_avg) {
        rmsprop_range(p, g, square_avg, grad_avg, NULL, count, learning_rate, rho, epsilon, momentum, 1, 0);
    } else if (buffer) {
        rmsprop_range(p, g, square_avg, NULL, buffer, count, learning_rate, rho, epsilon, momentum, 0, 1);
    } else {
        rmsprop_range(p, g, square_avg, NULL, NULL, count, learning_rate, rho, epsilon, momentum, 0, 0);
    }
}

void synapse_adagrad_update(float *restrict p, const float *restrict g, float *restrict sum, size_t count,
                            float learning_rate, float epsilon) {
    for (size_t i = 0; i < count; i++) {
        const float grad = g[i];
        const float total = sum[i] + grad * grad;
        sum[i] = total;
        p[i] = p[i] - learning_rate * (grad / (square_root(total) + epsilon));
    }
}
