// Denormal handling of the calling thread's floating-point unit.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

// MXCSR bit 15 flushes denormal results to zero (FTZ); bit 6 reads denormal
// operands as zero (DAZ). Both avoid the microcode assists that make arithmetic on
// denormals tens of times slower.
static const unsigned int flush_bits = 0x8040;

unsigned long long synapse_enter_flush_denormals(void) {
    unsigned int csr = _mm_getcsr();
    if ((csr & flush_bits) != flush_bits) _mm_setcsr(csr | flush_bits);
    return csr;
}

void synapse_restore_float_control(unsigned long long saved) {
    if (_mm_getcsr() != (unsigned int)saved) _mm_setcsr((unsigned int)saved);
}

int synapse_flush_denormals_enabled(void) {
    return (_mm_getcsr() & flush_bits) == flush_bits;
}

#elif defined(__aarch64__)

// FPCR bit 24 (FZ) flushes denormal inputs and results to zero.
static const unsigned long long flush_bit = 1ull << 24;

static unsigned long long read_fpcr(void) {
    unsigned long long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
}

unsigned long long synapse_enter_flush_denormals(void) {
    unsigned long long fpcr = read_fpcr();
    if (!(fpcr & flush_bit)) __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | flush_bit));
    return fpcr;
}

void synapse_restore_float_control(unsigned long long saved) {
    if (read_fpcr() != saved) __asm__ volatile("msr fpcr, %0" : : "r"(saved));
}

int synapse_flush_denormals_enabled(void) { return (read_fpcr() & flush_bit) != 0; }

#else

unsigned long long synapse_enter_flush_denormals(void) { return 0; }
void synapse_restore_float_control(unsigned long long saved) { (void)saved; }
int synapse_flush_denormals_enabled(void) { return 0; }

#endif
