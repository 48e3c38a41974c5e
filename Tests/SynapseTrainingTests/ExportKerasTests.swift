import Foundation
import Testing
@testable import SynapseIO
@testable import SynapseTraining

/// `exportKeras(to:)` writes the three members of a `.keras` file; Keras itself
/// loads them and predicts in `make interop` (scripts/keras_check.py).
@Suite("Export to a .keras file")
struct ExportKerasTests {
    /// Whether the HDF5 library loads here (scripts/install-deps.sh installs it).
    static let hdf5Available = (try? HDF5Writer.onHDF5Thread { try HDF5Writer.isAvailable() }) == true

    @Test("config.json is the Keras architecture, model.weights.h5 an HDF5 file, metadata.json names Keras 3",
          .enabled(if: hdf5Available, "the HDF5 library (libhdf5-103-1) is not installed; export-keras is untested here"))
    func members() throws {
        let model = Sequential(name: "small") {
            Input(shape: [3])
            Dense(4, activation: .relu)
            Dense(2, activation: .softmax)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-\(UInt64.random(in: 0...UInt64.max)).keras")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.exportKeras(to: url)
        let entries = try ZipArchive.entries(of: [UInt8](try Data(contentsOf: url)))
        #expect(entries.map(\.name) == ["metadata.json", "config.json", "model.weights.h5"])
        let architecture = try ModelArchitecture(jsonText: String(decoding: entries[1].bytes, as: UTF8.self))
        #expect(architecture.name == "small" && architecture.layers.map(\.className) == ["InputLayer", "Dense", "Dense"])
        let metadata = try ConfigValue(jsonText: String(decoding: entries[0].bytes, as: UTF8.self))
        #expect(metadata.objectValue?["keras_version"]?.stringValue?.hasPrefix("3.") == true)
        // The HDF5 signature, and the layers' groups by name.
        #expect(Array(entries[2].bytes.prefix(8)) == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])
        let text = String(decoding: entries[2].bytes, as: UTF8.self)
        #expect(text.contains("dense") && text.contains("dense_1") && text.contains("vars"))
    }

    /// A layer the model-file registry does not know.
    final class Doubler: Layer {
        override func forward(_ input: Tensor, training: Bool) -> Tensor { input * 2 }
    }

    @Test("a model with a layer that cannot be described is refused before anything is written")
    func refusesUnsaveable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-never.keras")
        let model = Sequential { Input(shape: [2]); Doubler(name: "doubler") }
        #expect(throws: ModelFileError.self) { try model.exportKeras(to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
