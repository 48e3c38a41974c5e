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

.PHONY: run test build install install-check docs doc-snippets dependency-check microbench bench bench-scaling bench-distributed bench-xor loadtest interop fuzz clean deps

run: deps
	$(SWIFT) run $(RELEASE) $(strip $(RUN_TARGET) $(RUN_ARGS))

test: deps
	SWIFT=$(SWIFT) scripts/run-tests.sh $(RELEASE) -Xswiftc -enable-testing

build: deps
	$(SWIFT) build $(RELEASE)

# Installs the `synapse` command as a tool: the binary (release; the Swift runtime, zlib
# and libjpeg-turbo linked statically; stripped; shared libraries: oneDNN with its
# OpenMP runtime, and the C and C++ runtimes) in
# PREFIX/bin and the bundled data sets in PREFIX/share/synapse, where the binary finds
# them from any folder. Builds in its own folder (INSTALL_SCRATCH), shared with the
# GPU bundle's static build.
PREFIX ?= /usr/local
INSTALL_SCRATCH ?= .build-static
INSTALL_LIBRARIES := $(INSTALL_SCRATCH)/$(shell uname -m)-unknown-linux-gnu/release
install: deps
	@# zlib and libjpeg-turbo are linked statically: the build folder is searched before the
	@# system's, so their static archives placed there win over the shared libraries.
	mkdir -p $(INSTALL_LIBRARIES)
	for library in libz.a libturbojpeg.a; do \
		archive=$$(cc -print-file-name=$$library); \
		if [ -f "$$archive" ]; then ln -sf "$$archive" $(INSTALL_LIBRARIES)/$$library; fi; \
	done
	$(SWIFT) build -c release --scratch-path $(INSTALL_SCRATCH) --static-swift-stdlib --product synapse
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/synapse"
	install -m 755 -s $(INSTALL_SCRATCH)/release/synapse "$(PREFIX)/bin/synapse"
	cp -R Data/. "$(PREFIX)/share/synapse/"
	@echo "installed $(PREFIX)/bin/synapse and its data in $(PREFIX)/share/synapse"

# `make install` into a temporary prefix, then train the Pima configuration and serve
# the model from a folder outside the repository (scripts/install-check.sh).
install-check: deps
	SWIFT=$(SWIFT) INSTALL_SCRATCH=$(INSTALL_SCRATCH) scripts/install-check.sh

# The documentation site: DocC reference of every module, with the catalogs' articles
# and tutorials, combined into one static site in DOCS_OUT (open index.html through any
# static web server, e.g. `python3 -m http.server -d $(DOCS_OUT)`). DocC's warnings are
# errors (unresolved symbol links, parameters missing from a list); then
# scripts/doc_coverage.py fails on any public symbol without a documentation comment or
# a callable without a `- Parameters:` list.
DOCS_OUT ?= $(SCRATCH)/docs
DOC_TARGETS := Synapse SynapseCore SynapseNN SynapseTraining SynapseData SynapseIO SynapsePlot SynapseConfig \
	SynapseONNX SynapseServing SynapseTensorBoard SynapseExplain SynapseDistributed
PACKAGE := $(SWIFT) package$(if $(filter-out .build,$(SCRATCH)), --scratch-path $(SCRATCH))
docs: deps
	$(PYTHON) scripts/tutorial_code.py
	$(PACKAGE) --allow-writing-to-directory $(DOCS_OUT) generate-documentation \
		$(addprefix --target ,$(DOC_TARGETS)) --enable-experimental-combined-documentation \
		--transform-for-static-hosting --warnings-as-errors --output-path $(DOCS_OUT)
	$(PYTHON) scripts/doc_coverage.py $(SCRATCH)/$(shell uname -m)-unknown-linux-gnu/extracted-symbols

# Runs every snippet the articles and tutorials show (Snippets/*.swift; each ends with
# checks of its results), built with the flags of `make test`, so after it nothing is
# rebuilt.
doc-snippets: deps
	$(SWIFT) build $(RELEASE) -Xswiftc -enable-testing --build-tests
	@for snippet in Snippets/*.swift; do \
		name=$$(basename $$snippet .swift); echo "== $$name"; \
		$(SCRATCH)/release/$$name > $(SCRATCH)/snippet-$$name.log 2>&1 || { cat $(SCRATCH)/snippet-$$name.log; exit 1; }; \
		tail -3 $(SCRATCH)/snippet-$$name.log; \
	done

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

# How Synapse's cost grows with batch size, threads and sequence length, with the
# sgemm-ceiling share of each point (Benchmarks/scaling.py; the table in Benchmarks/README.md).
# SCALING_ARGS="--only W3,W5" measures some workloads again and keeps the others' points.
SCALING_ARGS ?=
bench-scaling: deps
	$(SWIFT) build $(RELEASE) --product synapse-bench
	$(PYTHON) Benchmarks/scaling.py --binary $(SCRATCH)/release/synapse-bench $(SCALING_ARGS)

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
