// Small C pieces Swift cannot express well. Kernels that need a vector square root:
// Swift's Float.squareRoot() lowers to libm's errno-setting sqrtf, which keeps loops
// scalar; these kernels use clang's __builtin_elementwise_sqrt, which sets no errno, so
// the compiler emits packed square roots with no special flags. And the floating-point
// unit's denormal mode, which is per thread.
#ifndef SYNAPSE_CKERNELS_H
#define SYNAPSE_CKERNELS_H

#include <stddef.h>

// One Adam/AdamW step over count elements, in place (PyTorch's order of operations):
//   g' = g + l2 * p;  m = m + (1 - beta1) * (g' - m);  v = beta2 * v + (1 - beta2) * g'^2
//   vmax = max(vmax, v) when vmax is not NULL (AMSGrad; used in place of v)
//   p = p * decay - step_size * m / (sqrt(v) / correction + epsilon)
void synapse_adam_update(float *p, const float *g, float *m, float *v, float *vmax, size_t count,
                         float step_size, float beta1, float beta2, float epsilon, float correction,
                         float l2, float decay);

// Turns flush-to-zero and denormals-are-zero on for the calling thread (MXCSR
// FTZ/DAZ on x86, FPCR.FZ on ARM; nothing elsewhere) and returns the previous
// control word for synapse_restore_float_control.
unsigned long long synapse_enter_flush_denormals(void);

// Puts back a control word returned by synapse_enter_flush_denormals.
void synapse_restore_float_control(unsigned long long saved);

// Whether the calling thread flushes denormals.
int synapse_flush_denormals_enabled(void);

#endif
