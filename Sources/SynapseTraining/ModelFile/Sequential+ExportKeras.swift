import Foundation
import SynapseIO

extension Sequential {
    /// Writes the model as a Keras 3 `.keras` file, which `keras.models.load_model`
    /// opens: a ZIP archive of `config.json` (the architecture in Keras' format),
    /// `metadata.json` and `model.weights.h5` (each layer's weights under
    /// `layers/<name>/vars/<i>`, recurrent layers' under `layers/<name>/cell/vars/<i>`,
    /// in Keras' order).
    ///
    /// The weights file is written with the HDF5 library, loaded at run time (Debian's
    /// `libhdf5-103-1`, or the library `SYNAPSE_HDF5_LIBRARY` names); without it this
    /// throws and nothing else in Synapse is affected.
    ///
    /// ```swift
    /// try model.exportKeras(to: URL(fileURLWithPath: "mnist.keras"))
    /// // Python: keras.models.load_model("mnist.keras").predict(x)
    /// ```
    ///
    /// - Parameter url: the `.keras` file to write (replaced atomically).
    /// - Throws: ``/SynapseNN/ModelFileError`` when a layer cannot be described, or
    ///   ``/SynapseNN/ModelFileError/unwritable(path:reason:)`` when HDF5 is missing or a file cannot be written.
    public func exportKeras(to url: URL) throws {
        let (tensors, metadata) = try modelFileContents()
        guard let architecture = metadata["architecture"] else {
            throw ModelFileError.invalidArchitecture("the model has no architecture to export")
        }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("synapse-keras-\(UInt64.random(in: 0...UInt64.max))", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let weightsPath = folder.appendingPathComponent("model.weights.h5").path
        let layers = self.layers
        let modelName = name
        do {
            try HDF5Writer.onHDF5Thread {
                try Self.writeKerasWeights(of: layers, tensors: tensors, modelName: modelName, to: weightsPath)
            }
        } catch let failure as HDF5Writer.Failure {
            throw ModelFileError.unwritable(path: url.path, reason: failure.description)
        }
        let weights: [UInt8]
        do {
            weights = [UInt8](try Data(contentsOf: URL(fileURLWithPath: weightsPath)))
        } catch {
            throw ModelFileError.unwritable(path: url.path, reason: "cannot read the weights HDF5 wrote: \(error.localizedDescription)")
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd@HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let kerasMetadata: ConfigValue = ["keras_version": "3.0.0", "date_saved": .string(formatter.string(from: Date())),
                                          "synapse_version": .string(SystemInfo.synapseVersion)]
        let archive = try ZipArchive.archive([("metadata.json", Array(try kerasMetadata.jsonText().utf8)),
                                              ("config.json", Array(architecture.utf8)),
                                              ("model.weights.h5", weights)], compressed: false)
        do {
            try Data(archive).write(to: url, options: .atomic)
        } catch {
            throw ModelFileError.unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes `model.weights.h5` in Keras' layout: `layers/<name>/vars/<i>` (recurrent
    /// layers: `layers/<name>/cell/vars/<i>`), each layer's weights in Keras' order.
    /// Runs on the HDF5 thread.
    private static func writeKerasWeights(of layers: [Layer], tensors: [String: Tensor], modelName: String,
                                          to path: String) throws {
        let writer = try HDF5Writer(path: path)
        try writer.group("layers")
        for layer in layers where !(layer is Input) {
            let typeName = String(describing: type(of: layer))
            let isRecurrent = ["SimpleRNN", "LSTM", "GRU"].contains(typeName)
            let variables = isRecurrent ? "layers/\(layer.name)/cell/vars" : "layers/\(layer.name)/vars"
            if isRecurrent {
                try writer.group("layers/\(layer.name)/vars")
                try writer.writeAttribute("name", value: layer.name, on: "layers/\(layer.name)/vars")
            }
            try writer.group(variables)
            try writer.writeAttribute("name", value: isRecurrent ? "\(typeName.lowercased())_cell" : layer.name, on: variables)
            for (index, parameter) in layer.parameters.enumerated() {
                guard let value = tensors["\(layer.name).\(parameter.name)"] else {
                    throw ModelFileError.invalidArchitecture("layer '\(layer.name)' has no saved '\(parameter.name)'")
                }
                try writer.writeFloats(String(index), in: variables, values: value.scalars, shape: value.shape)
            }
        }
        try writer.group("vars")
        try writer.writeAttribute("name", value: modelName, on: "vars")
        try writer.close()
    }
}
