// swift-tools-version:6.0
import PackageDescription

// Release builds are the normal way to run Synapse (numerical code is many times
// slower in debug builds); every target builds in Swift 6 language mode with
// complete concurrency checking.
let package = Package(
    name: "Synapse",
    products: [
        .library(name: "Synapse", targets: ["Synapse"]),
        .executable(name: "synapse", targets: ["synapse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // Runtime only: the message types are generated once by scripts/generate-protos.sh
        // and committed (the protoc plugin takes minutes to build).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // `make docs`: the DocC reference and tutorials (swift package generate-documentation).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // C libraries from Debian, one shim each; exactly one Swift file imports each.
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CTurboJPEG",
            providers: [.apt(["libturbojpeg0-dev"])]),

        // Kernels written in C where Swift cannot vectorise them (packed square roots).
        .target(
            name: "CKernels"),

        // Open MPI behind a C shim that opens libmpi at run time (no MPI needed to build).
        .target(
            name: "CMPI"),

        .target(
            name: "SynapseCore",
            // No unsafeFlags here or anywhere: SwiftPM refuses them in a package used by version.
            // Class properties touched in tight loops carry @exclusivity(unchecked) instead.
            dependencies: ["CDNNL", "CKernels"]),
        .target(
            name: "SynapseIO",
            dependencies: ["SynapseCore", "CZlib", "CTurboJPEG"]),
        .target(
            name: "SynapseData",
            dependencies: ["SynapseCore", "SynapseIO"]),
        .target(
            name: "SynapsePlot",
            dependencies: ["SynapseIO"]),
        // Data-parallel training across processes: the Communicator protocol over MPI.
        .target(
            name: "SynapseDistributed",
            dependencies: ["SynapseCore", "CMPI"]),
        .target(
            name: "SynapseNN",
            dependencies: ["SynapseCore", "SynapseDistributed"]),
        .target(
            name: "SynapseTraining",
            dependencies: ["SynapseCore", "SynapseNN", "SynapseData", "SynapsePlot", "SynapseDistributed"]),
        // Explaining predictions: gradients, SmoothGrad, integrated gradients, Grad-CAM, occlusion.
        .target(
            name: "SynapseExplain",
            dependencies: ["SynapseCore", "SynapseNN", "SynapseTraining", "SynapsePlot"]),
        // TensorBoard event files: a SummaryWriter and the TensorBoard callback.
        .target(
            name: "SynapseTensorBoard",
            dependencies: ["SynapseCore", "SynapseIO", "SynapsePlot", "SynapseNN", "SynapseTraining",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // ONNX export and import of models.
        .target(
            name: "SynapseONNX",
            dependencies: ["SynapseCore", "SynapseNN", "SynapseTraining",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(
            name: "Synapse",
            dependencies: ["SynapseCore", "SynapseIO", "SynapseData", "SynapsePlot", "SynapseNN", "SynapseTraining",
                           "SynapseExplain", "SynapseTensorBoard", "SynapseONNX", "SynapseDistributed"]),

        // Training from a YAML/JSON config file: data, preprocessing, model, optimizer, callbacks.
        .target(
            name: "SynapseConfig",
            dependencies: ["Synapse", .product(name: "Yams", package: "Yams")]),
        // Serving models over HTTP (TensorFlow Serving REST convention) on Hummingbird.
        .target(
            name: "SynapseServing",
            dependencies: [
                "Synapse",
                "SynapseConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),

        .executableTarget(
            name: "synapse",
            dependencies: [
                "Synapse",
                "SynapseConfig",
                "SynapseServing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Examples: one executable target each.
        .executableTarget(
            name: "linear-regression",
            dependencies: ["Synapse"],
            path: "Examples/linear-regression"),
        .target(
            name: "ExampleSupport",
            dependencies: ["Synapse", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Support"),
        .executableTarget(
            name: "xor",
            dependencies: ["ExampleSupport"],
            path: "Examples/xor"),
        .executableTarget(
            name: "mnist-mlp",
            dependencies: ["ExampleSupport"],
            path: "Examples/mnist-mlp"),
        .executableTarget(
            name: "mnist-cnn",
            dependencies: ["ExampleSupport"],
            path: "Examples/mnist-cnn"),
        .executableTarget(
            name: "mnist-png-folder",
            dependencies: ["ExampleSupport"],
            path: "Examples/mnist-png-folder"),
        .executableTarget(
            name: "fashion-cnn",
            dependencies: ["ExampleSupport"],
            path: "Examples/fashion-cnn"),
        .executableTarget(
            name: "resnet",
            dependencies: ["ExampleSupport"],
            path: "Examples/resnet",
            exclude: ["resnet_pytorch.py"]),
        .executableTarget(
            name: "pima",
            dependencies: ["ExampleSupport"],
            path: "Examples/pima"),
        .executableTarget(
            name: "text-lstm",
            dependencies: ["ExampleSupport"],
            path: "Examples/text-lstm"),
        .executableTarget(
            name: "text-transformer",
            dependencies: ["ExampleSupport"],
            path: "Examples/text-transformer"),
        .executableTarget(
            name: "char-lstm",
            dependencies: ["ExampleSupport"],
            path: "Examples/char-lstm"),
        .executableTarget(
            name: "autoencoder",
            dependencies: ["ExampleSupport"],
            path: "Examples/autoencoder"),
        .executableTarget(
            name: "vae",
            dependencies: ["ExampleSupport"],
            path: "Examples/vae"),

        // Kernel micro-benchmarks (run by `make microbench`, never by the tests).
        .executableTarget(
            name: "synapse-microbench",
            dependencies: ["SynapseCore", "CDNNL"],
            path: "Benchmarks/Micro"),

        // Whole-workload benchmarks run side by side with PyTorch (`make bench-xor`).
        .executableTarget(
            name: "synapse-bench",
            dependencies: ["Synapse", "ExampleSupport"],
            path: "Benchmarks/Workloads"),

        .testTarget(
            name: "SynapseCoreTests",
            dependencies: ["SynapseCore", "CKernels"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapseIOTests",
            dependencies: ["SynapseIO"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapseDataTests",
            dependencies: ["SynapseData"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapsePlotTests",
            dependencies: ["SynapsePlot"]),
        .testTarget(
            name: "SynapseNNTests",
            dependencies: ["SynapseNN"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapseTrainingTests",
            // ExampleSupport: the text-transformer test trains the example's own model builder.
            dependencies: ["Synapse", "ExampleSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapseExplainTests",
            dependencies: ["Synapse"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SynapseTensorBoardTests",
            dependencies: ["SynapseTensorBoard", "SynapseTraining"]),
        .testTarget(
            name: "SynapseONNXTests",
            dependencies: ["SynapseONNX", "SynapseTraining"]),
        .testTarget(
            name: "SynapseConfigTests",
            dependencies: ["SynapseConfig"]),
        .testTarget(
            name: "SynapseServingTests",
            dependencies: ["SynapseServing", "SynapseConfig", .product(name: "HummingbirdTesting", package: "hummingbird")]),
        // End-to-end tests of the built `synapse` binary (train, predict, serve).
        .testTarget(
            name: "SynapseCLITests",
            dependencies: ["synapse", "Synapse"]),

        // Proves the CUDA loading path on a GPU (scripts/gpu-check.sh); nothing CUDA at build time.
        .executableTarget(
            name: "synapse-cuda-check",
            dependencies: ["SynapseCore"],
            path: "Sources/synapse-cuda-check"),
    ],
    swiftLanguageModes: [.v6]
)
