# Synapse: `make run` and `make test` are all a fresh Debian machine with the Swift
# toolchain needs. Each first installs missing system packages (scripts/install-deps.sh),
# then builds in release mode: numerical code is many times slower in debug builds.

SWIFT ?= swift
PYTHON ?= python3

# What `make run` runs: an executable target of Package.swift, and its arguments.
RUN_TARGET ?= mnist-cnn
RUN_ARGS ?= --epochs 1

# Build folder. Parallel builds in one checkout need their own: make test SCRATCH=.build-mine
SCRATCH ?= .build
RELEASE := -c release$(if $(filter-out .build,$(SCRATCH)), --scratch-path $(SCRATCH))

MICROBENCH_OUT := $(SCRATCH)/microbench

.PHONY: run test build dependency-check microbench bench bench-distributed bench-xor loadtest interop fuzz clean deps

run: deps
	$(SWIFT) run $(RELEASE) $(strip $(RUN_TARGET) $(RUN_ARGS))

test: deps
	SWIFT=$(SWIFT) scripts/run-tests.sh $(RELEASE) -Xswiftc -enable-testing

build: deps
	$(SWIFT) build $(RELEASE)

# Synapse as a versioned dependency: a throwaway package depends on a tagged clone of
# the committed state with `from:` and trains XOR (SwiftPM refuses unsafeFlags there).
dependency-check: deps
	SWIFT=$(SWIFT) scripts/dependency-check.sh

# Kernel micro-benchmark: Synapse against raw oneDNN sgemm, NumPy and (when the
# venv has it) PyTorch; the OpenMP wait-policy check runs the binary a second time
# with OMP_WAIT_POLICY=PASSIVE. Results: $(MICROBENCH_OUT)/*.json.
microbench: deps
	$(SWIFT) build $(RELEASE) --product synapse-microbench
	@mkdir -p $(MICROBENCH_OUT)
	$(SCRATCH)/release/synapse-microbench --json $(MICROBENCH_OUT)/synapse.json
	OMP_WAIT_POLICY=PASSIVE $(SCRATCH)/release/synapse-microbench --only wait-policy --json $(MICROBENCH_OUT)/synapse-passive.json
	$(PYTHON) Benchmarks/micro_numpy.py --synapse $(MICROBENCH_OUT)/synapse.json \
		--synapse-passive $(MICROBENCH_OUT)/synapse-passive.json --json $(MICROBENCH_OUT)/reference.json

# The benchmark suite: Synapse, PyTorch eager and Keras 3 on JAX side by side on the
# same workloads and thread count (Benchmarks/README.md). Writes Benchmarks/results/latest.json;
# BENCH_ARGS="--update-baseline" also rewrites the committed baseline.json.
BENCH_ARGS ?=
bench: deps
	SYNAPSE_SCRATCH=$(SCRATCH) scripts/bench.sh $(BENCH_ARGS)

# Data-parallel training measured here: the all-reduce over shared memory and over TCP
# between two network namespaces, W1 and W2 on 2 ranks against 1 process, and the
# scaling model (Benchmarks/distributed.py; Docs/distributed.md). Needs Open MPI; root
# for the namespaces.
DISTRIBUTED_ARGS ?=
bench-distributed: deps
	$(SWIFT) build $(RELEASE) --product synapse-bench
	$(PYTHON) Benchmarks/distributed.py --binary $(SCRATCH)/release/synapse-bench $(DISTRIBUTED_ARGS)

# Load test of `synapse serve` on loopback with wrk (scripts/loadtest.sh).
LOADTEST_ARGS ?=
loadtest: deps
	SYNAPSE_SCRATCH=$(SCRATCH) scripts/loadtest.sh $(LOADTEST_ARGS)

# Per-step time of the XOR network, Synapse next to PyTorch eager and a NumPy loop.
bench-xor: deps
	$(SWIFT) build $(RELEASE) --product synapse-bench
	$(PYTHON) Benchmarks/xor_step.py $(SCRATCH)/release/synapse-bench

# Interoperability (needs the Python venv, created when missing):
# - PyTorch: Synapse -> torch and torch -> Synapse predictions agree within 1e-5 for
#   the MNIST MLP and CNN (scripts/pytorch_interop.py);
# - TensorBoard: the examples' --tensorboard logs read back with TensorBoard's own
#   EventAccumulator (scripts/tensorboard_check.py);
# - ONNX: exported models pass onnx.checker and ONNX Runtime predicts what Synapse
#   predicts within 1e-5 (scripts/onnx_check.py; it uses the test build);
# - Keras: the architecture in a model file loads with keras.models.model_from_json
#   and predicts as Synapse within 1e-5 (scripts/keras_check.py).
# The scripts build with the flags of `make test`, so after it nothing is rebuilt.
interop: deps
	$(SWIFT) build $(RELEASE) -Xswiftc -enable-testing --build-tests
	SYNAPSE_SCRATCH=$(SCRATCH) $(PYTHON) scripts/onnx_check.py
	SYNAPSE_SCRATCH=$(SCRATCH) $(PYTHON) scripts/pytorch_interop.py
	SYNAPSE_SCRATCH=$(SCRATCH) $(PYTHON) scripts/tensorboard_check.py
	SYNAPSE_SCRATCH=$(SCRATCH) $(PYTHON) scripts/keras_check.py

# libFuzzer + AddressSanitizer on the safetensors reader and the PNG/JPEG decoders;
# FUZZ_RUNS inputs for each (scripts/fuzz.sh).
FUZZ_RUNS ?= 1000000
fuzz: deps
	scripts/fuzz.sh all $(FUZZ_RUNS)

# Removes the default build folder only (other .build-* folders are left alone).
clean:
	rm -rf .build

deps:
	@scripts/install-deps.sh
